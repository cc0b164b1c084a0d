import type { Config } from '../../bot/config/config.js';
import type { EnvContext } from '../env-context.js';
import { envRoutes, type ProxyRoute } from './routes.js';

/**
 * One request the last check of a deploy sends through the env's route, and what it must answer.
 * `health`: the service's `health` path, which must answer 2xx. `answer`: a routed service
 * without a health path reachable through its route; any answer of the service counts except
 * 404 and 5xx (Caddy itself answers 404 for an unrouted path and 502 for an upstream it cannot
 * reach).
 */
export interface ProbeTarget {
  service: string;
  path: string;
  expect: 'health' | 'answer';
}

/** PRENV_CADDY_HTTP value that sends the last check to the environment's own `https://<host>`. */
export const PROBE_BY_DNS = 'dns';

/** Caddy's `path` matcher: a pattern ending in `*` is a prefix, anything else exact. */
function pathMatches(pattern: string, path: string): boolean {
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path;
}

/** The service Caddy sends `path` to: routes are tried longest path first, `/` takes the rest. */
export function routedService(routes: readonly ProxyRoute[], path: string): string | null {
  const route = routes.find(
    (r) => r.matchPaths === null || r.matchPaths.some((p) => pathMatches(p, path)),
  );
  return route?.service ?? null;
}

/**
 * What to request through the env's route once it is deployed: the `health` path of every
 * routed service that runs in this env and whose health path its own route reaches; when no
 * service has one, the first route's path of each routed service. Pure; the order is the
 * services' order in prenv.yml.
 */
export function probeTargets(config: Config, ctx: EnvContext): ProbeTarget[] {
  const routes = envRoutes(config, ctx).routes;
  const running = Object.entries(config.services).filter(
    ([, svc]) => svc.route.length > 0 && svc.count[ctx.kind] > 0,
  );
  const health = running.flatMap(([name, svc]): ProbeTarget[] =>
    svc.health && routedService(routes, svc.health) === name
      ? [{ service: name, path: svc.health, expect: 'health' }]
      : [],
  );
  if (health.length > 0) return health;
  return running.flatMap(([name, svc]): ProbeTarget[] => {
    const path = svc.route[0]?.path;
    return path === undefined ? [] : [{ service: name, path, expect: 'answer' }];
  });
}

/** Whether `status` is what the target must answer (see ProbeTarget). */
export function probeAccepts(target: ProbeTarget, status: number): boolean {
  if (target.expect === 'health') return status >= 200 && status < 300;
  return status >= 200 && status < 500 && status !== 404;
}
