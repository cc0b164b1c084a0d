import { beforeAll, describe, expect, it } from 'vitest';
import { createCaddyAdminClient } from '../../bot/adapters/caddy/admin-client.js';
import { createConsulClient } from '../../bot/adapters/consul/client.js';
import type { NomadApi } from '../../bot/adapters/nomad/index.js';
import { silentLogger } from '../../bot/core/logger.js';
import { emptyWorld } from '../../bot/core/model.js';
import { planContext } from '../../bot/core/plan-context.js';
import { createCaddyFleet, type CaddyFleet } from '../../bot/runtime/caddy-fleet.js';
import { Reconciler } from '../../bot/runtime/reconciler.js';
import { caddyRoute } from '../../generators/caddy/route-json.js';
import type { CaddyRoute as CaddyRouteJson } from '../../bot/adapters/caddy/admin-client.js';
import { envRoutes } from '../../generators/caddy/routes.js';
import { envHost } from '../../generators/env-context.js';
import { botRoute } from '../../generators/nomad/bot-job.js';
import { configFromYaml } from '../generators/render-support.js';
import { useCaddy, type CaddyProcess } from '../support/caddy-process.js';
import { useConsul } from '../support/consul-process.js';
import { getWithHost, startLocalHttpServer } from '../support/local-http-server.js';

// Two real Caddy 2.6.2 entry nodes; the second is restarted from its base config (as
// `caddy run --config` without --resume does), which loses every route prenv added.
const consulProcess = useConsul();
const caddies = [useCaddy(), useCaddy()];
const BOT_HOST = 'prenv.shop.test';

const yaml = `
project: shop
github: { owner: acme, repo: shop }
domain: shop.test
previews: { protect: none }
tls: { mode: off }
services:
  web: { image: 'acme/web:{{sha}}', port: 80, health: /health, route: { path: / } }
`;
let config: ReturnType<typeof configFromYaml>;
let fleet: CaddyFleet;

const admin = (c: CaddyProcess) =>
  createCaddyAdminClient({ baseUrl: c.adminUrl, fetch, server: c.serverName });
const envRoute = (kind: 'production' | 'staging') => caddyRoute(envRoutes(config, { kind }));
const held = async (c: CaddyProcess) =>
  (
    await admin(c)
      .listPrenvRoutes()
      .catch(() => [])
  )
    .map((r) => r.env)
    .sort();

/** SRV answers are cached for 2 s: poll until Caddy reaches the app. */
async function eventually(c: CaddyProcess, host: string, path: string, body: string) {
  const deadline = Date.now() + 10_000;
  const get = () =>
    getWithHost(`http://127.0.0.1:${c.httpPort}${path}`, host).catch((err: Error) => ({
      status: 0,
      body: err.message,
    }));
  let last = await get();
  while (last.body !== body && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    last = await get();
  }
  expect(last).toEqual({ status: 200, body });
}

/** Nomad as the reconciler reads it: production runs, staging was stopped by a destroy. */
const nomad = {
  listJobs: async () => [],
  readJob: async (id: string) =>
    id === 'shop-production'
      ? { ID: id, Status: 'running' }
      : id === 'shop-staging'
        ? { ID: id, Status: 'dead', Stop: true }
        : null,
} as unknown as NomadApi;

function reconcilerOver(fixedRoute?: (env: 'production' | 'staging') => CaddyRouteJson) {
  return new Reconciler({
    project: 'shop',
    github: { listOpenPullRequests: async () => [] },
    store: { loadWorld: async () => ({ world: emptyWorld(), version: 0 }) },
    nomad,
    caddy: fleet,
    ...(fixedRoute ? { fixedRoute } : {}),
    hetzner: null,
    hasTerraformState: async () => false,
    ops: {} as never,
    engine: { handle: async () => {} },
    context: () =>
      planContext({ now: Date.now(), previewUrl: (pr) => `http://pr-${pr}.shop.test` }),
    logger: silentLogger,
  });
}

beforeAll(async () => {
  const base = configFromYaml(yaml);
  config = { ...base, consul: { ...base.consul, dns: `127.0.0.1:${consulProcess().dnsPort}` } };
  const consul = createConsulClient({ baseUrl: consulProcess().httpUrl, fetch });
  for (const c of caddies) await admin(c()).loadConfig(c().baseConfig);
  for (const [name, service] of [
    ['production app', 'shop-production-web'],
    ['the bot', 'prenv-bot'],
  ] as const) {
    const app = await startLocalHttpServer(name);
    await consul.services.register({
      id: `${service}-1`,
      name: service,
      address: '127.0.0.1',
      port: app.port,
    });
  }
  fleet = createCaddyFleet({
    config,
    members: async () =>
      caddies.map((c, i) => ({ adminUrl: c().adminUrl, node: `entry-${i + 1}`, version: '2.6.2' })),
    client: (m) => createCaddyAdminClient({ baseUrl: m.adminUrl, fetch, server: 'prenv' }),
    listen: [`127.0.0.1:${caddies[0]!().httpPort}`],
  });
  // What deploys left: production, staging (destroyed since, but one Caddy kept its route,
  // see below), the bot, and a PR.
  await fleet.addRoute('production', envRoute('production'));
  await fleet.addRoute('bot', botRoute(config, BOT_HOST));
  await fleet.addRoute('pr-7', caddyRoute(envRoutes(config, { kind: 'pr', number: 7 })));
  await admin(caddies[0]!()).addRoute('staging', envRoute('staging'));
});

describe('fixed routes a Caddy lost are restored by the sync, not only by the next deploy', () => {
  it('a restarted Caddy gets production and the bot back from the other Caddy', async () => {
    const restarted = caddies[1]!();
    await restarted.restart();
    expect(await held(restarted)).toEqual([]);
    const production = envHost(config, { kind: 'production' });

    const restored = await fleet.restoreFixedRoutes();
    expect(restored).toEqual(
      expect.arrayContaining([
        { env: 'production', caddy: `entry-2 (${restarted.adminUrl})` },
        { env: 'bot', caddy: `entry-2 (${restarted.adminUrl})` },
      ]),
    );
    // Without a liveness check every fixed route the other Caddy holds is copied: staging too.
    expect(await held(restarted)).toEqual(['bot', 'production', 'staging']);
    await eventually(restarted, production, '/', 'production app');
    await eventually(restarted, BOT_HOST, '/healthz', 'the bot');
    // Each route reads back as the Caddy holding it has it.
    for (const env of ['production', 'bot'])
      expect(await admin(restarted).getRoute(env)).toEqual(
        await admin(caddies[0]!()).getRoute(env),
      );
    // A second sync finds nothing to do.
    expect(await fleet.restoreFixedRoutes()).toEqual([]);
  });

  it("the reconciler's pass restores live fixed routes only, and leaves PR routes to redeploys", async () => {
    const restarted = caddies[1]!();
    await restarted.restart();
    const reconciler = reconcilerOver();
    const outcome = await reconciler.run();
    expect(outcome.warnings.filter((w) => !w.startsWith('servers not checked'))).toEqual([]);
    expect(outcome.restoredRoutes.map((r) => r.env).sort()).toEqual(['bot', 'production']);
    // Staging's job is stopped: its stale route is not spread again; pr-7 is the planner's.
    expect(await held(restarted)).toEqual(['bot', 'production']);
    await eventually(restarted, envHost(config, { kind: 'production' }), '/', 'production app');

    const dry = await reconciler.run({ dryRun: true });
    expect(dry.restoredRoutes).toEqual([]);
  });

  it('a route no Caddy holds any more (every Caddy restarted) is rendered from prenv.yml while its job runs', async () => {
    for (const c of caddies) await c().restart();
    for (const c of caddies) expect(await held(c())).toEqual([]);
    // Without prenv.yml to render from, nothing is left to copy.
    expect((await reconcilerOver().run()).restoredRoutes).toEqual([]);

    const outcome = await reconcilerOver(envRoute).run();
    expect(outcome.warnings.filter((w) => !w.startsWith('servers not checked'))).toEqual([]);
    expect(outcome.restoredRoutes.map((r) => r.env)).toEqual(['production', 'production']);
    // Staging's job is stopped; the bot's route needs its host, which only a deploy knows.
    for (const c of caddies) {
      expect(await held(c())).toEqual(['production']);
      await eventually(c(), envHost(config, { kind: 'production' }), '/', 'production app');
    }
  });
});
