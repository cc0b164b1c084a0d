import { describe, expect, it, beforeAll } from 'vitest';
import { createCaddyAdminClient } from '../../bot/adapters/caddy/admin-client.js';
import { createConsulClient } from '../../bot/adapters/consul/client.js';
import {
  consulCaddies,
  createCaddyFleet,
  CADDY_VERSION_META,
  type CaddyFleet,
} from '../../bot/runtime/caddy-fleet.js';
import { caddyRoute } from '../../generators/caddy/route-json.js';
import { envRoutes } from '../../generators/caddy/routes.js';
import { configFromYaml } from '../generators/render-support.js';
import { useCaddy, type CaddyProcess } from '../support/caddy-process.js';
import { useConsul } from '../support/consul-process.js';
import { getWithHost, startLocalHttpServer } from '../support/local-http-server.js';

// Two real Caddy 2.6.2 entry nodes, found through a real Consul's catalog, driven as one.
const consulProcess = useConsul();
const caddies = [useCaddy(), useCaddy()];

const yaml = `
project: shop
github: { owner: acme, repo: shop }
domain: shop.test
# Routing and probing, not the sign-in gate (test/caddy/preview-protect.test.ts).
previews: { protect: none }
tls: { mode: off }
services:
  web: { image: 'acme/web:{{sha}}', port: 80, health: /health, route: { path: / } }
`;
let config: ReturnType<typeof configFromYaml>;
let fleet: CaddyFleet;

const admin = (c: CaddyProcess) =>
  createCaddyAdminClient({ baseUrl: c.adminUrl, fetch, server: c.serverName });
const route = (pr: number) => caddyRoute(envRoutes(config, { kind: 'pr', number: pr }));
const through = (c: CaddyProcess, pr: number) =>
  getWithHost(`http://127.0.0.1:${c.httpPort}/`, `pr-${pr}.pr.shop.test`);

/** SRV answers are cached for 2 s: poll until Caddy reaches the app. */
async function eventually(c: CaddyProcess, pr: number, body: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last = await through(c, pr);
  while (last.body !== body && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    last = await through(c, pr);
  }
  expect(last).toEqual({ status: 200, body });
}

beforeAll(async () => {
  const base = configFromYaml(yaml);
  config = { ...base, consul: { ...base.consul, dns: `127.0.0.1:${consulProcess().dnsPort}` } };
  const consul = createConsulClient({ baseUrl: consulProcess().httpUrl, fetch });
  for (const [i, c] of caddies.entries()) {
    await admin(c()).loadConfig(c().baseConfig);
    // As cloud-init registers each entry node's Caddy admin API.
    await consul.services.register({
      id: `caddy-admin-${i + 1}`,
      name: 'caddy-admin',
      address: '127.0.0.1',
      port: Number(new URL(c().adminUrl).port),
      meta: { [CADDY_VERSION_META]: '2.6.2' },
    });
  }
  const app = await startLocalHttpServer('pr-7 app');
  await consul.services.register({
    id: 'shop-pr-7-web-1',
    name: 'shop-pr-7-web',
    address: '127.0.0.1',
    port: app.port,
  });
  fleet = createCaddyFleet({
    config,
    members: consulCaddies(consul.services, 'caddy-admin'),
    client: (m) => createCaddyAdminClient({ baseUrl: m.adminUrl, fetch, server: 'prenv' }),
    // Where the first Caddy listened; production's :80 cannot be bound by two tests at once.
    listen: [`127.0.0.1:${caddies[0]!().httpPort}`],
  });
});

describe('every entry Caddy serves every route', () => {
  it('finds both Caddies in the catalog, with their versions', async () => {
    const members = await fleet.members();
    expect(members.map((m) => m.adminUrl).sort()).toEqual(caddies.map((c) => c().adminUrl).sort());
    expect(members.every((m) => m.version === '2.6.2')).toBe(true);
  });

  it('applies a route change to both and reads it back from each', async () => {
    expect(await fleet.addRoute('pr-7', route(7))).toBe('added');
    for (const c of caddies) await eventually(c(), 7, 'pr-7 app');
    expect((await fleet.listPrenvRoutes()).map((r) => r.env)).toEqual(['pr-7']);
    expect(await fleet.addRoute('pr-7', route(7))).toBe('unchanged');
  });

  it('sees a route deleted on one Caddy as lost, and the next apply restores it there', async () => {
    const res = await fetch(`${caddies[1]!().adminUrl}/id/prenv-pr-7`, { method: 'DELETE' });
    expect(res.ok).toBe(true);
    expect((await through(caddies[1]!(), 7)).status).toBe(404);
    // What the reconciler reads: a live env missing here is redeployed (its lost_route finding).
    expect(await fleet.listPrenvRoutes()).toEqual([]);
    expect(await fleet.addRoute('pr-7', route(7))).toBe('added');
    for (const c of caddies) await eventually(c(), 7, 'pr-7 app');
  });

  it("restores a Caddy restarted without config: prenv's server, then the route", async () => {
    // What `caddy run` without --resume leaves: the admin API and nothing else.
    const bare = caddies[0]!();
    await admin(bare).loadConfig({ admin: (bare.baseConfig as { admin: unknown }).admin });
    await expect(through(bare, 7)).rejects.toThrow();
    expect(await fleet.listPrenvRoutes()).toEqual([]);
    expect(await fleet.addRoute('pr-7', route(7))).toBe('added');
    await eventually(bare, 7, 'pr-7 app');
    expect((await fleet.listPrenvRoutes()).map((r) => r.env)).toEqual(['pr-7']);
  });

  it('removes a route from every Caddy', async () => {
    expect(await fleet.removeRoute('pr-7')).toBe('removed');
    for (const c of caddies) expect((await through(c(), 7)).status).toBe(404);
    expect(await fleet.removeRoute('pr-7')).toBe('absent');
  });

  it('sends each Caddy only what its version accepts: 2.6.2 refuses stream_close_delay', async () => {
    const claiming = (version: string) =>
      createCaddyFleet({
        config,
        members: async () => [{ adminUrl: caddies[1]!().adminUrl, node: 'entry-2', version }],
        client: (m) => createCaddyAdminClient({ baseUrl: m.adminUrl, fetch, server: 'prenv' }),
      });
    // The Caddy here is 2.6.2: told it is 2.7, prenv adds a field this Caddy does not know.
    await expect(claiming('2.7.0').addRoute('pr-10', route(10))).rejects.toThrow(
      /stream_close_delay/,
    );
    expect(await claiming('2.6.2').addRoute('pr-10', route(10))).toBe('added');
    expect(await claiming('2.6.2').removeRoute('pr-10')).toBe('removed');
  });

  it('names the Caddy it could not reach, after changing the others', async () => {
    const broken = createCaddyFleet({
      config,
      members: async () => [
        { adminUrl: caddies[0]!().adminUrl, node: 'entry-1' },
        { adminUrl: 'http://127.0.0.1:1', node: 'entry-2' },
      ],
      client: (m) =>
        createCaddyAdminClient({
          baseUrl: m.adminUrl,
          fetch,
          server: 'prenv',
          requestTimeoutMs: 1_000,
        }),
    });
    await expect(broken.addRoute('pr-9', route(9))).rejects.toThrow(
      /Could not apply route prenv-pr-9 on 1 of 2 Caddies: entry-2 \(http:\/\/127\.0\.0\.1:1\)/,
    );
    expect(await admin(caddies[0]!()).getRoute('pr-9')).toBeDefined();
    await admin(caddies[0]!()).removeRoute('pr-9');
  });
});
