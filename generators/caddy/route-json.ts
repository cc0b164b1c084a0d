import type { Config } from '../../bot/config/config.js';
import type { EnvRoutes, PreviewAuth, ProxyRoute } from './routes.js';

/**
 * The env's route for Caddy's admin API, built as an object (JSON is safer serialized than
 * templated): `@id` `prenv-<env>`, a host matcher, and a subroute with one route per service,
 * longest path first, upstreams found by Consul DNS SRV, and a final 404.
 */
export type CaddyJson = Record<string, unknown>;

/** Name of the server in `apps.http.servers` that holds the env routes. */
export const CADDY_SERVER_NAME = 'prenv';

/**
 * Caddy caches SRV answers (a minute by default); a redeploy moves services to new dynamic
 * ports, so the cache must be short.
 */
const SRV_REFRESH_NS = 2_000_000_000;

const notFound = (): CaddyJson => ({ handle: [{ handler: 'static_response', status_code: 404 }] });

function proxyHandlers(route: ProxyRoute, resolver: string): CaddyJson[] {
  const handlers: CaddyJson[] = [];
  if (route.maxBody) handlers.push({ handler: 'request_body', max_size: route.maxBody.bytes });
  const transport: CaddyJson = { protocol: 'http', resolver: { addresses: [resolver] } };
  if (route.timeout) {
    transport.read_timeout = route.timeout.nanos;
    transport.write_timeout = route.timeout.nanos;
  }
  const proxy: CaddyJson = {
    handler: 'reverse_proxy',
    dynamic_upstreams: {
      source: 'srv',
      name: route.upstream,
      resolver: { addresses: [resolver] },
      refresh: SRV_REFRESH_NS,
    },
    transport,
  };
  if (route.websocket) proxy.flush_interval = -1;
  handlers.push(proxy);
  return handlers;
}

/**
 * Caddy's `forward_auth` as `caddy adapt` (2.6.2) expands it: a `reverse_proxy` that sends a
 * GET with the request's headers to the bot's verify path, the original method and URI in
 * `X-Forwarded-Method`/`X-Forwarded-Uri`; any answer but a 2xx (the sign-in redirect) is sent
 * to the client as it is. A 2xx lets the request go on without what the gate read: the bypass
 * header always, the Basic credentials and the bypass query parameter when the bot's answer
 * says so (`PreviewAuth.strip`).
 */
function forwardAuth(auth: PreviewAuth, resolver: string): CaddyJson {
  const fromBot = (header: string) => `{http.reverse_proxy.header.${header}}`;
  const when = (header: string) => [{ vars: { [fromBot(header)]: ['1'] } }];
  return {
    handler: 'reverse_proxy',
    dynamic_upstreams: {
      source: 'srv',
      name: auth.upstream,
      resolver: { addresses: [resolver] },
      refresh: SRV_REFRESH_NS,
    },
    transport: { protocol: 'http', resolver: { addresses: [resolver] } },
    rewrite: { method: 'GET', uri: auth.verifyPath },
    headers: {
      request: {
        set: {
          'X-Forwarded-Method': ['{http.request.method}'],
          'X-Forwarded-Uri': ['{http.request.uri}'],
        },
      },
    },
    handle_response: [
      {
        match: { status_code: [2] },
        routes: [
          { handle: [{ handler: 'headers', request: { delete: [auth.bypassHeader] } }] },
          {
            match: when(auth.strip.dropAuthorization),
            handle: [{ handler: 'headers', request: { delete: ['Authorization'] } }],
          },
          {
            // Caddy 2.6 has no query operations (`rewrite.query` is 2.8), and a placeholder in
            // `rewrite.uri` is query-escaped; a substring replacement of the whole raw query by
            // the bot's keeps every other parameter byte for byte. (Caddy cleans the path as it
            // does so: `//` and `..` are resolved, as its path matchers read them anyway.)
            match: when(auth.strip.dropQuery),
            handle: [
              {
                handler: 'rewrite',
                uri_substring: [
                  { find: '{http.request.uri.query}', replace: fromBot(auth.strip.query) },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}

export function caddyRoute(env: EnvRoutes): CaddyJson {
  const gate: CaddyJson[] = env.auth ? [{ handle: [forwardAuth(env.auth, env.resolver)] }] : [];
  const routes: CaddyJson[] = env.routes.map((route) => ({
    ...(route.matchPaths ? { match: [{ path: route.matchPaths }] } : {}),
    handle: proxyHandlers(route, env.resolver),
    terminal: true,
  }));
  if (env.notFoundFallback) routes.push(notFound());
  return {
    '@id': `prenv-${env.env}`,
    match: [{ host: [env.host] }],
    handle: [{ handler: 'subroute', routes: [...gate, ...routes] }],
    terminal: true,
  };
}

/**
 * A whole Caddy config with the given env routes and a final catch-all 404 (Caddy answers an
 * empty 200 for a host without a route). It is the base config that env routes are added to.
 */
export function caddyBaseConfig(config: Config, routes: CaddyJson[], listen?: string[]): CaddyJson {
  const mode = config.tls.mode;
  // Behind the load balancer TLS ends there: Caddy serves plain HTTP and requests no certificate.
  const plain = mode === 'off' || mode === 'load_balancer';
  const server: CaddyJson = {
    listen: listen ?? (plain ? [':80'] : [':443']),
    routes: [...routes, notFound()],
  };
  if (plain) server.automatic_https = { disable: true };
  const apps: CaddyJson = { http: { servers: { [CADDY_SERVER_NAME]: server } } };
  if (mode === 'on_demand') {
    apps.tls = {
      automation: { policies: [{ on_demand: true }], on_demand: { ask: config.tls.ask } },
    };
  }
  if (mode === 'internal') {
    apps.tls = { automation: { policies: [{ issuers: [{ module: 'internal' }] }] } };
  }
  return { apps };
}
