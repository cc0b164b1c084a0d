import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createCaddyAdminClient,
  type CaddyAdminClient,
  type CaddyRoute,
} from '../../bot/adapters/caddy/admin-client.js';
import { CaddyError } from '../../bot/adapters/caddy/errors.js';
import { createConsulClient, type ConsulClient } from '../../bot/adapters/consul/client.js';
import { useCaddy } from '../support/caddy-process.js';
import { useConsul } from '../support/consul-process.js';
import {
  getWithHost,
  startLocalHttpServer,
  type LocalHttpServer,
} from '../support/local-http-server.js';

// One Consul and one Caddy for the whole file; each test starts from Caddy's base config.
const consulProcess = useConsul();
const caddyProcess = useCaddy();

const host = 'pr-7.pr.example.test';

/**
 * A PR route as the deploy step adds it: match the PR's host, find upstreams
 * through Consul DNS SRV, and resolve the SRV targets (`*.consul` names) through
 * Consul DNS as well.
 */
function srvRoute(routeHost: string, service: string): CaddyRoute {
  const dns = `127.0.0.1:${consulProcess().dnsPort}`;
  return {
    match: [{ host: [routeHost] }],
    handle: [
      {
        handler: 'reverse_proxy',
        dynamic_upstreams: {
          source: 'srv',
          name: `${service}.service.consul`,
          resolver: { addresses: [dns] },
        },
        transport: { protocol: 'http', resolver: { addresses: [dns] } },
      },
    ],
    terminal: true,
  };
}

let web: LocalHttpServer;
let webNext: LocalHttpServer;
let consul: ConsulClient;
let caddy: CaddyAdminClient;
const get = (h: string) => getWithHost(`http://127.0.0.1:${caddyProcess().httpPort}/`, h);

beforeAll(async () => {
  web = await startLocalHttpServer('web of pr-7');
  webNext = await startLocalHttpServer('next web of pr-7');
  consul = createConsulClient({ baseUrl: consulProcess().httpUrl, fetch });
  for (const [name, server] of [
    ['pr-7-web', web],
    ['pr-7-web-next', webNext],
  ] as const) {
    await consul.services.register({
      id: `${name}-1`,
      name,
      address: '127.0.0.1',
      port: server.port,
      check: { http: `${server.url}/health`, interval: '1s', timeout: '1s' },
    });
    const health = await consul.services.waitHealthy(name, { timeoutMs: 15_000 });
    expect(health.healthy, `${name} never passed its Consul check`).toBe(true);
  }
});

afterAll(async () => {
  await web?.close();
  await webNext?.close();
});

beforeEach(async () => {
  caddy = createCaddyAdminClient({
    baseUrl: caddyProcess().adminUrl,
    fetch,
    server: caddyProcess().serverName,
  });
  await caddy.loadConfig(caddyProcess().baseConfig);
});

async function serverRoutes(): Promise<Array<Record<string, unknown>>> {
  const config = (await caddy.getConfig()) as {
    apps: { http: { servers: Record<string, { routes: Array<Record<string, unknown>> }> } };
  };
  return config.apps.http.servers[caddyProcess().serverName]?.routes ?? [];
}

describe('Caddy route for a PR env, upstreams from Consul DNS SRV', () => {
  it('proxies the PR host to the Consul service, and answers 404 once the route is removed', async () => {
    expect(await get(host)).toEqual({ status: 404, body: 'no preview environment here\n' });

    expect(await caddy.addRoute('pr-7', srvRoute(host, 'pr-7-web'))).toBe('added');
    expect(await get(host)).toEqual({ status: 200, body: 'web of pr-7' });
    // Another host still falls through to the catch-all.
    expect((await get('pr-8.pr.example.test')).status).toBe(404);

    expect(await caddy.removeRoute('pr-7')).toBe('removed');
    expect(await get(host)).toEqual({ status: 404, body: 'no preview environment here\n' });
  });

  it('adding twice leaves one route, placed before the catch-all', async () => {
    const route = srvRoute(host, 'pr-7-web');
    expect(await caddy.addRoute('pr-7', route)).toBe('added');
    expect(await caddy.addRoute('pr-7', route)).toBe('unchanged');
    expect(await caddy.addRoute('pr-8', srvRoute('pr-8.pr.example.test', 'pr-7-web'))).toBe(
      'added',
    );

    const ids = (await serverRoutes()).map((r) => r['@id'] ?? 'catch-all');
    expect(ids).toEqual(['prenv-pr-7', 'prenv-pr-8', 'catch-all']);
    expect((await caddy.listPrenvRoutes()).map((r) => r.env)).toEqual(['pr-7', 'pr-8']);
    expect(await get(host)).toEqual({ status: 200, body: 'web of pr-7' });
  });

  it('two concurrent adds of the same env still leave one route', async () => {
    const outcomes = await Promise.all([
      caddy.addRoute('pr-9', srvRoute('pr-9.pr.example.test', 'pr-7-web')),
      caddy.addRoute('pr-9', srvRoute('pr-9.pr.example.test', 'pr-7-web')),
    ]);
    // Usually one adds and the other finds it; after a dropped connection both may find it.
    for (const outcome of outcomes) expect(['added', 'unchanged']).toContain(outcome);
    expect((await serverRoutes()).filter((r) => r['@id'] === 'prenv-pr-9')).toHaveLength(1);
  });

  it('replacing the route changes the upstream in place', async () => {
    await caddy.addRoute('pr-7', srvRoute(host, 'pr-7-web'));
    expect((await get(host)).body).toBe('web of pr-7');

    await caddy.replaceRoute('pr-7', srvRoute(host, 'pr-7-web-next'));
    expect(await get(host)).toEqual({ status: 200, body: 'next web of pr-7' });
    expect(await caddy.getRoute('pr-7')).toMatchObject({
      '@id': 'prenv-pr-7',
      handle: [{ dynamic_upstreams: { name: 'pr-7-web-next.service.consul' } }],
    });

    // addRoute on an existing env with a different route replaces it too.
    expect(await caddy.addRoute('pr-7', srvRoute(host, 'pr-7-web'))).toBe('replaced');
    expect((await get(host)).body).toBe('web of pr-7');
    expect(await caddy.listPrenvRoutes()).toHaveLength(1);
  });

  it('removing twice is fine', async () => {
    await caddy.addRoute('pr-7', srvRoute(host, 'pr-7-web'));
    expect(await caddy.removeRoute('pr-7')).toBe('removed');
    expect(await caddy.removeRoute('pr-7')).toBe('absent');
    expect(await caddy.getRoute('pr-7')).toBeUndefined();
    expect(await caddy.listPrenvRoutes()).toEqual([]);
  });
});

describe('Caddy admin errors', () => {
  it('replacing a route that does not exist is an unknown_id CaddyError', async () => {
    const err = await caddy.replaceRoute('pr-404', srvRoute(host, 'pr-7-web')).catch((e) => e);
    expect(err).toBeInstanceOf(CaddyError);
    expect(err).toMatchObject({ kind: 'unknown_id', status: 404 });
    expect(err.message).toContain('prenv-pr-404');
  });

  it('a config Caddy refuses is rejected with Caddy’s message, and the old config keeps serving', async () => {
    await caddy.addRoute('pr-7', srvRoute(host, 'pr-7-web'));
    const broken = structuredClone(caddyProcess().baseConfig) as {
      apps: { http: { servers: Record<string, { routes: unknown[] }> } };
    };
    broken.apps.http.servers[caddyProcess().serverName]!.routes = [
      { handle: [{ handler: 'no_such_handler' }] },
    ];
    const err = await caddy.loadConfig(broken).catch((e) => e);
    expect(err).toBeInstanceOf(CaddyError);
    expect(err.kind).toBe('rejected');
    expect(err.caddyText).toContain('unknown module: http.handlers.no_such_handler');
    expect((await get(host)).body).toBe('web of pr-7');
  });

  it('a server name Caddy does not have is explained', async () => {
    const wrong = createCaddyAdminClient({
      baseUrl: caddyProcess().adminUrl,
      fetch,
      server: 'no-such-server',
    });
    const err = await wrong.addRoute('pr-7', srvRoute(host, 'pr-7-web')).catch((e) => e);
    expect(err).toMatchObject({ kind: 'rejected' });
    expect(err.message).toContain('no HTTP server named "no-such-server"');
    expect(await caddy.listPrenvRoutes()).toEqual([]);
  });

  it('an admin endpoint that does not answer is unreachable', async () => {
    const closed = await startLocalHttpServer('closed');
    await closed.close();
    const gone = createCaddyAdminClient({ baseUrl: closed.url, fetch, server: 'prenv' });
    const err = await gone.listPrenvRoutes().catch((e) => e);
    expect(err).toMatchObject({ kind: 'unreachable' });
    expect(err.message).toContain(closed.url);
  });
});
