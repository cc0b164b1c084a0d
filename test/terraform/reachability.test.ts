/**
 * Everything prenv drives is reachable from where it runs: the bot (host network on a
 * production node) on loopback, the CLI through `prenv tunnel` to the same loopback ports. The
 * node side is read from cloud-init as Terraform's own templatefile() renders it; Caddy's side
 * of the tunnel (its admin API's Host check) runs against the real Caddy binary.
 */
import { createServer, connect, type Server } from 'node:net';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRuntimeSettings } from '../../bot/wiring/settings.js';
import {
  NODE_PORTS,
  TUNNEL_PORTS,
  tunnelArgs,
  tunnelVariables,
} from '../../bot/cli/reach/tunnel-plan.js';
import { envFor } from '../../bot/cli/deploy/runtime.js';
import { renderBotJob } from '../../generators/nomad/bot-job.js';
import { exampleConfig, repoTemplates } from '../generators/render-support.js';
import { isolatedEnv } from '../support/caddy-process.js';
import { startOnFreePorts, startLocalProcess, waitUntilReady } from '../support/local-process.js';
import { requireTool } from '../support/tools.js';
import { renderCloudInit } from './cloud-init-render.js';
import { at } from './terraform-tree.js';

let files: Map<string, string>;

beforeAll(async () => {
  const { doc } = await renderCloudInit('productionEntryServer');
  files = new Map(doc.write_files.map((f) => [f.path, f.content]));
});

function file(p: string): string {
  const content = files.get(p);
  if (content === undefined) throw new Error(`cloud-init writes no ${p}`);
  return content;
}

/** The `host:port` pairs a URL setting points at. */
const hostPort = (url: string) => new URL(url).host;

describe('the node listens where prenv looks', () => {
  it("Nomad's HTTP API is on loopback as well as the private address", async () => {
    const nomad = (await parseHcl('nomad.hcl', file('/etc/nomad.d/nomad.hcl'))) as Record<
      string,
      unknown
    >;
    const http = String(at(nomad, 'addresses', 0, 'http'));
    expect(http.split(' ')[0]).toBe('127.0.0.1');
    expect(http).toContain('include "network" "10.0.0.0/16"');
    expect(nomad).not.toHaveProperty('ports');
  });

  it("Consul's HTTP API is on loopback", async () => {
    const consul = (await parseHcl('consul.hcl', file('/etc/consul.d/consul.hcl'))) as Record<
      string,
      unknown
    >;
    expect(String(consul.client_addr).split(' ')).toContain('127.0.0.1');
    expect(consul).not.toHaveProperty('ports.http');
  });

  it("Caddy's admin API is on the private address and allows the tunnels' Host headers", () => {
    const admin = (
      JSON.parse(adminFile(file)) as {
        admin: { listen: string; origins: string[] };
      }
    ).admin;
    expect(admin.listen).toBe(`10.0.1.10:${NODE_PORTS.caddyAdmin}`);
    expect(admin.origins).toContain(`10.0.1.10:${NODE_PORTS.caddyAdmin}`);
    expect(admin.origins).toContain(`localhost:${NODE_PORTS.caddyAdmin}`);
    for (const env of ['production', 'staging'] as const)
      expect(admin.origins).toContain(`127.0.0.1:${TUNNEL_PORTS[env].caddyAdmin}`);
    expect(file('/etc/systemd/system/caddy-api.service.d/prenv.conf')).toContain(
      '--resume --config /etc/caddy/prenv-admin.json',
    );
  });

  it("the bot's defaults and its job's addresses are those loopback ports", async () => {
    const defaults = readRuntimeSettings({});
    if (!defaults.ok) throw new Error(defaults.errors.join('; '));
    const job = renderBotJob(
      exampleConfig('aipacto'),
      { image: 'ghcr.io/aipacto/prenv:1', host: 'prenv.aipacto.com' },
      await repoTemplates(),
    );
    const expected = {
      nomad: `127.0.0.1:${NODE_PORTS.nomad}`,
      consul: `127.0.0.1:${NODE_PORTS.consul}`,
      caddyAdmin: `127.0.0.1:${NODE_PORTS.caddyAdmin}`,
    };
    expect({
      nomad: hostPort(defaults.settings.nomad.url),
      consul: hostPort(defaults.settings.consul.url),
      caddyAdmin: hostPort(defaults.settings.caddyAdminUrl),
    }).toEqual(expected);
    for (const [name, value] of [
      ['PRENV_NOMAD_ADDR', expected.nomad],
      ['PRENV_CONSUL_ADDR', expected.consul],
      ['PRENV_CADDY_ADMIN', expected.caddyAdmin],
    ])
      expect(job).toMatch(new RegExp(`${name}\\s*=\\s*"http://${value}"`));
    expect(job).toContain('network_mode = "host"');
  });
});

describe('prenv tunnel', () => {
  it.each(['production', 'staging'] as const)(
    "forwards the %s ports prenv reads to the node's loopback ports and an entry's Caddy admin API",
    (env) => {
      const args = tunnelArgs(env, 'root@203.0.113.10');
      const forwards = args.flatMap((a, i) => (args[i - 1] === '-L' ? [a] : []));
      expect(forwards).toEqual(
        (['nomad', 'consul', 'caddyAdmin'] as const).map(
          (e) =>
            `127.0.0.1:${TUNNEL_PORTS[env][e]}:${e === 'caddyAdmin' ? 'caddy-admin.service.consul' : '127.0.0.1'}:${NODE_PORTS[e]}`,
        ),
      );
      expect(args.slice(-2)).toEqual(['--', 'root@203.0.113.10']);
      // The variables the tunnel prints are the ones the CLI reads for that environment.
      const settings = readRuntimeSettings(envFor(Object.fromEntries(tunnelVariables(env)), env));
      if (!settings.ok) throw new Error(settings.errors.join('; '));
      expect([
        hostPort(settings.settings.nomad.url),
        hostPort(settings.settings.consul.url),
        hostPort(settings.settings.caddyAdminUrl),
      ]).toEqual(
        (['nomad', 'consul', 'caddyAdmin'] as const).map(
          (e) => `127.0.0.1:${TUNNEL_PORTS[env][e]}`,
        ),
      );
    },
  );
});

describe("real Caddy behind a tunnel, with cloud-init's admin settings", () => {
  let dir: string;
  let stop: () => Promise<void>;
  const forwarders: Server[] = [];
  let ports: { admin: number; allowed: number; other: number };

  /** A TCP forwarder like `ssh -L`: the request keeps the Host of the local port. */
  async function forward(from: number, to: number): Promise<void> {
    const server = createServer((c) => {
      const upstream = connect(to, '127.0.0.1');
      c.pipe(upstream).pipe(c);
      upstream.on('error', () => c.destroy());
      c.on('error', () => upstream.destroy());
    });
    forwarders.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(from, '127.0.0.1', resolve);
    });
  }

  async function closeForwarders(): Promise<void> {
    for (const s of forwarders.splice(0)) await new Promise((r) => s.close(r));
  }

  beforeAll(async () => {
    await startOnFreePorts(3, async (free) => {
      try {
        await startAdminCaddy(free as [number, number, number]);
      } catch (err) {
        await closeForwarders();
        await stop?.();
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
    });
  });

  async function startAdminCaddy([admin, allowed, other]: [number, number, number]): Promise<void> {
    ports = { admin, allowed, other };
    // cloud-init's file with its fixed ports moved to free ones: 2019 → admin, 12019 → allowed.
    const text = adminFile(file)
      .replaceAll(`:${TUNNEL_PORTS.staging.caddyAdmin}"`, `:${allowed}"`)
      .replaceAll(`:${NODE_PORTS.caddyAdmin}"`, `:${admin}"`)
      .replace('"listen":"10.0.1.10:', '"listen":"127.0.0.1:');
    dir = await mkdtemp(path.join(tmpdir(), 'prenv-caddy-admin-'));
    const env = isolatedEnv(dir);
    for (const sub of ['home', 'data', 'config']) await mkdir(path.join(dir, sub));
    await writeFile(path.join(dir, 'admin.json'), text);
    const proc = startLocalProcess(
      'caddy',
      requireTool('caddy'),
      ['run', '--resume', '--config', path.join(dir, 'admin.json')],
      { cwd: dir, env },
    );
    stop = () => proc.stop();
    await waitUntilReady(
      proc,
      'admin API',
      async () => (await fetch(`http://localhost:${admin}/config/`)).ok,
      15_000,
    );
    await forward(allowed, admin);
    await forward(other, admin);
  }

  afterAll(async () => {
    await closeForwarders();
    await stop?.();
    await rm(dir, { recursive: true, force: true });
  });

  it("answers through the staging tunnel's local port", async () => {
    const res = await fetch(`http://127.0.0.1:${ports.allowed}/config/`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ admin: { listen: `127.0.0.1:${ports.admin}` } });
  });

  it('refuses a forwarded port its origins do not list (so the list is what makes it work)', async () => {
    const res = await fetch(`http://127.0.0.1:${ports.other}/config/`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('host not allowed');
  });
});

/** The admin JSON prenv-caddy-admin writes to /etc/caddy/prenv-admin.json, for a node at 10.0.1.10. */
function adminFile(file: (path: string) => string): string {
  const script = file('/usr/local/sbin/prenv-caddy-admin');
  const format = /printf '([^']*)\\n'(?: "\$ip")+ > \/etc\/caddy\/prenv-admin\.json/.exec(
    script,
  )?.[1];
  if (!format) throw new Error('prenv-caddy-admin writes no /etc/caddy/prenv-admin.json');
  return format.replaceAll('%s', '10.0.1.10');
}
