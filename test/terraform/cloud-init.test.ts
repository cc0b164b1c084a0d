import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { CADDY_ADMIN_SERVICE } from '../../generators/nomad/bot-job.js';
import { CADDY_VERSION_META } from '../../bot/runtime/caddy-fleet.js';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { terraformTemplatefile } from '../support/terraform-cli.js';
import { at, moduleDir, parseDir, type HclBody } from './terraform-tree.js';

const templateFile = path.join(moduleDir, 'cloud-init', 'node.yaml.tftpl');

interface WriteFile {
  path: string;
  content: string;
}

let moduleBody: HclBody;

beforeAll(async () => {
  moduleBody = await parseDir(moduleDir);
});

/** Names templatefile() receives in a server resource: cloud_init_common plus the inline object. */
function templateVarNames(resource: 'server' | 'client'): string[] {
  const locals = Object.assign({}, ...(at(moduleBody, 'locals') as Record<string, unknown>[]));
  const common = Object.keys(at(locals, 'cloud_init_common') as object);
  const userData = String(at(moduleBody, 'resource', 'hcloud_server', resource, 0, 'user_data'));
  expect(userData).toContain('cloud-init/node.yaml.tftpl');
  const inline = /merge\(local\.cloud_init_common, \{([^}]*)\}\)/.exec(userData);
  if (!inline) throw new Error(`no merge(local.cloud_init_common, {…}) in ${userData}`);
  const own = [...inline[1]!.matchAll(/(\w+)\s*=/g)].map((m) => m[1]!);
  return [...common, ...own];
}

const values = {
  network_ip_range: '10.0.0.0/16',
  datacenter: 'dc1',
  join_ips: ['10.0.1.10', '10.0.1.11', '10.0.1.12'],
  host_volumes: ['postgres-data', 'redis-data'],
  nomad_version: '1.9.2',
  consul_version: '1.20.1',
  consul_encrypt_key: '',
  caddy_version: '2.10.2',
};

/** Rendered by Terraform's own templatefile(), with exactly the variables the resource passes. */
async function render(resource: 'server' | 'client', specific: Record<string, unknown>) {
  const all: Record<string, unknown> = { ...values, ...specific };
  const provided = Object.fromEntries(templateVarNames(resource).map((n) => [n, all[n]]));
  const text = await terraformTemplatefile(templateFile, provided);
  const doc = parseYaml(text) as { write_files: WriteFile[]; runcmd: string[]; packages: string[] };
  const file = (p: string) => {
    const found = doc.write_files.find((f) => f.path === p);
    if (!found) throw new Error(`cloud-init writes no ${p}`);
    return found.content;
  };
  return { text, doc, file };
}

const productionServer = {
  environment: 'production',
  pr_label: 'none',
  server: true,
  bootstrap_expect: 3,
  entry: true,
  node_pool: 'default',
};
const previewClient = {
  environment: 'pr',
  pr_label: '123',
  server: false,
  bootstrap_expect: 0,
  entry: false,
  node_pool: 'previews',
};

describe('cloud-init template', () => {
  it('renders a production entry server as valid cloud-config', async () => {
    const { text, doc, file } = await render('server', productionServer);
    expect(text.startsWith('#cloud-config\n')).toBe(true);
    expect(doc.packages).toContain('docker.io');
    expect(doc.runcmd).toEqual(['/usr/local/sbin/prenv-bootstrap']);

    const consul = await parseHcl('consul.hcl', file('/etc/consul.d/consul.hcl'));
    expect(consul).toMatchObject({
      server: true,
      bootstrap_expect: 3,
      retry_join: values.join_ips,
    });
    expect(consul).not.toHaveProperty('encrypt');

    const nomad = await parseHcl('nomad.hcl', file('/etc/nomad.d/nomad.hcl'));
    expect(at(nomad, 'server', 0)).toMatchObject({ enabled: true, bootstrap_expect: 3 });
    expect(at(nomad, 'server', 0, 'server_join', 0, 'retry_join')).toEqual(values.join_ips);
    expect(at(nomad, 'client', 0)).toMatchObject({ enabled: true, node_pool: 'default' });
    expect(String(nomad.bind_addr)).toContain('include "network" "10.0.0.0/16"');

    const bootstrap = file('/usr/local/sbin/prenv-bootstrap');
    expect(bootstrap).toContain('nomad=1.9.2-1 consul=1.20.1-1');
    expect(bootstrap).toContain('packages="$packages caddy=2.10.2"');
    expect(bootstrap).toContain('systemctl enable --now caddy-api');
    expect(bootstrap.indexOf('/usr/local/sbin/prenv-caddy-admin')).toBeLessThan(
      bootstrap.indexOf('systemctl enable --now caddy-api'),
    );
  });

  it("opens each entry node's Caddy admin API to the servers only and registers it in Consul", async () => {
    const { file } = await render('server', productionServer);
    const script = file('/usr/local/sbin/prenv-caddy-admin');
    expect(execFileSync('sh', ['-n'], { input: script }).toString()).toBe('');
    expect(script).toContain('{"admin":{"listen":"%s:2019"}}');
    expect(script).toContain(
      'tcp dport 2019 ip saddr != { 127.0.0.1, 10.0.1.10, 10.0.1.11, 10.0.1.12 } drop',
    );
    const service = /cat > \/etc\/consul\.d\/caddy-admin\.hcl <<EOF\n([^]*?)\nEOF/.exec(
      script,
    )?.[1];
    const parsed = await parseHcl(
      'caddy-admin.hcl',
      (service ?? '').replaceAll('$version', '2.10.2').replaceAll('$ip', '10.0.1.10'),
    );
    expect(at(parsed, 'service', 0)).toMatchObject({
      name: CADDY_ADMIN_SERVICE,
      port: 2019,
      meta: { [CADDY_VERSION_META]: '2.10.2' },
      check: [{ http: 'http://10.0.1.10:2019/config/' }],
    });
    const preview = await render('client', previewClient);
    expect(preview.doc.write_files.map((f) => f.path)).not.toContain(
      '/usr/local/sbin/prenv-caddy-admin',
    );
  });

  it('renders a preview client in node pool previews with meta pr and host volumes', async () => {
    const { file } = await render('client', previewClient);
    const consul = await parseHcl('consul.hcl', file('/etc/consul.d/consul.hcl'));
    expect(consul).toMatchObject({ server: false, retry_join: values.join_ips });
    expect(consul).not.toHaveProperty('bootstrap_expect');

    const nomad = await parseHcl('nomad.hcl', file('/etc/nomad.d/nomad.hcl'));
    expect(at(nomad, 'server', 0)).toEqual({ enabled: false });
    const client = at(nomad, 'client', 0);
    expect(client).toMatchObject({
      node_pool: 'previews',
      meta: [{ environment: 'pr', pr: '123' }],
    });
    expect(at(client, 'host_volume')).toEqual({
      'postgres-data': [{ path: '/opt/prenv/volumes/postgres-data', read_only: false }],
      'redis-data': [{ path: '/opt/prenv/volumes/redis-data', read_only: false }],
    });

    const bootstrap = file('/usr/local/sbin/prenv-bootstrap');
    expect(bootstrap).not.toContain('caddy');
    expect(bootstrap).toContain('install -d -m 0755 /opt/prenv/volumes/redis-data');
  });

  it('forwards .consul to the local Consul agent through systemd-resolved', async () => {
    const { file } = await render('client', previewClient);
    const resolved = file('/etc/systemd/resolved.conf.d/consul.conf');
    expect(resolved).toContain('DNS=127.0.0.1:8600');
    expect(resolved).toContain('Domains=~consul');
  });

  it('adds the gossip key only when one is given', async () => {
    const { file } = await render('client', {
      ...previewClient,
      consul_encrypt_key: 'a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U=',
    });
    const consul = await parseHcl('consul.hcl', file('/etc/consul.d/consul.hcl'));
    expect(consul).toHaveProperty('encrypt');
  });

  it('fails on a variable the resource does not pass', async () => {
    await expect(terraformTemplatefile(templateFile, {})).rejects.toThrow(
      /vars map does not contain key/,
    );
  });
});
