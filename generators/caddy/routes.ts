import type { Config } from '../../bot/config/config.js';
import { consulDnsName, envHost, envName, type EnvContext } from '../env-context.js';
import { compare } from '../resolve.js';
import { durationMs } from '../../bot/config/duration.js';
import { sizeBytes } from '../../bot/config/size.js';

/** One routed service of an env, as both the Caddyfile and the JSON route use it. */
export interface ProxyRoute {
  service: string;
  /** Caddyfile matcher name: the service, numbered when the service has several routes. */
  matcher: string;
  path: string;
  /** Path patterns to match; null for `/`, which takes every path. */
  matchPaths: string[] | null;
  /** Consul DNS name looked up as SRV (`<project>-<env>-<service>.service.consul`). */
  upstream: string;
  maxBody: { text: string; bytes: number } | null;
  timeout: { text: string; nanos: number } | null;
  websocket: boolean;
}

/** Where Caddy asks whether a request may reach a protected preview (`previews.protect`). */
export interface PreviewAuth {
  /** Consul DNS name of the bot's service, looked up as SRV like the env's own upstreams. */
  upstream: string;
  /** The bot's verify path; see `bot/server/dashboard/preview-gate.ts`. */
  verifyPath: string;
  /** Request header carrying the bypass token; removed before the request reaches the app. */
  bypassHeader: string;
  /**
   * Headers of the bot's 2xx answer that say what else the app must not see. `dropQuery`
   * (`1`) comes with `query`, the request's raw query without the bypass parameter, which
   * replaces the whole query; `dropAuthorization` (`1`) when the Basic credentials were the token.
   */
  strip: { dropQuery: string; query: string; dropAuthorization: string };
}

/** The bot's Consul service (`generators/nomad/bot-job.ts` registers it under this name). */
export const PREVIEW_AUTH: PreviewAuth = {
  upstream: 'prenv-bot.service.consul',
  verifyPath: '/auth/verify',
  bypassHeader: 'X-Prenv-Bypass',
  strip: {
    dropQuery: 'X-Prenv-Drop-Query',
    query: 'X-Prenv-Query',
    dropAuthorization: 'X-Prenv-Drop-Authorization',
  },
};

export interface EnvRoutes {
  env: string;
  host: string;
  resolver: string;
  /** Longest path first; the `/` route, if any, last. */
  routes: ProxyRoute[];
  /** True when no service takes `/`, so unknown paths answer 404. */
  notFoundFallback: boolean;
  /** PR envs whose previews are protected: every request is first checked by the bot. */
  auth?: PreviewAuth;
}

function matchPaths(path: string): string[] | null {
  if (path === '/') return null;
  return path.endsWith('/') ? [`${path}*`] : [path, `${path}/*`];
}

export function envRoutes(config: Config, ctx: EnvContext): EnvRoutes {
  const routes: ProxyRoute[] = [];
  for (const [service, svc] of Object.entries(config.services)) {
    for (const [i, { path, max_body: maxBody, timeout, websocket }] of svc.route.entries()) {
      routes.push({
        service,
        matcher: svc.route.length === 1 ? service : `${service}-${i + 1}`,
        path,
        matchPaths: matchPaths(path),
        upstream: consulDnsName(config, ctx, service),
        maxBody: maxBody === undefined ? null : { text: maxBody, bytes: sizeBytes(maxBody) },
        timeout: timeout === undefined ? null : { text: timeout, nanos: durationMs(timeout) * 1e6 },
        websocket,
      });
    }
  }
  routes.sort((a, b) => b.path.length - a.path.length || compare(a.path, b.path));
  return {
    env: envName(ctx),
    host: envHost(config, ctx),
    resolver: config.consul.dns,
    routes,
    notFoundFallback: !routes.some((r) => r.matchPaths === null),
    ...(ctx.kind === 'pr' && config.previews.protect !== 'none' ? { auth: PREVIEW_AUTH } : {}),
  };
}
