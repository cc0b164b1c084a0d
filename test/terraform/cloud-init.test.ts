import { execFileSync } from 'node:child_process';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import { CADDY_VERSION_META } from '../../bot/runtime/caddy-fleet.js';
import { CADDY_ADMIN_SERVICE } from '../../generators/nomad/bot-job.js';
import { terraformTemplatefile } from '../support/terraform-cli.js';
import { commonValues as values, renderCloudInit, templateFile } from './cloud-init-render.js';
import { at } from './terraform-tree.js';

describe('cloud-init template', () => {
  it('renders a production entry server as valid cloud-config', async () => {
    const { text, doc, file, hcl } = await renderCloudInit('productionEntryServer');
    expect(text.startsWith('#cloud-config\n')).toBe(true);
    expect(doc.packages).toContain('docker.io');
    expect(doc.runcmd).toEqual(['/usr/local/sbin/prenv-bootstrap']);

    const consul = await hcl('/etc/consul.d/consul.hcl');
    expect(consul).toMatchObject({
      server: true,
      bootstrap_expect: 3,
      retry_join: values.join_ips,
    });
    expect(consul).not.toHaveProperty('encrypt');

    const nomad = await hcl('/etc/nomad.d/nomad.hcl');
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
    const { file } = await renderCloudInit('productionEntryServer');
    const script = file('/usr/local/sbin/prenv-caddy-admin');
    expect(execFileSync('sh', ['-n'], { input: script }).toString()).toBe('');
    expect(script).toContain('"listen":"%s:2019","origins":["%s:2019",');
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
    const preview = await renderCloudInit('previewClient');
    expect(preview.doc.write_files.map((f) => f.path)).not.toContain(
      '/usr/local/sbin/prenv-caddy-admin',
    );
  });

  it('renders a preview client in node pool previews with meta pr and host volumes', async () => {
    const { file, hcl } = await renderCloudInit('previewClient');
    const consul = await hcl('/etc/consul.d/consul.hcl');
    expect(consul).toMatchObject({ server: false, retry_join: values.join_ips });
    expect(consul).not.toHaveProperty('bootstrap_expect');

    const nomad = await hcl('/etc/nomad.d/nomad.hcl');
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
    const { file } = await renderCloudInit('previewClient');
    const resolved = file('/etc/systemd/resolved.conf.d/consul.conf');
    expect(resolved).toContain('DNS=127.0.0.1:8600');
    expect(resolved).toContain('Domains=~consul');
  });

  it('adds the gossip key only when one is given', async () => {
    const { hcl } = await renderCloudInit('previewClient', {
      consul_encrypt_key: 'a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U=',
    });
    const consul = await hcl('/etc/consul.d/consul.hcl');
    expect(consul).toHaveProperty('encrypt');
  });

  it('fails on a variable the resource does not pass', async () => {
    await expect(terraformTemplatefile(templateFile, {})).rejects.toThrow(
      /vars map does not contain key/,
    );
  });
});
