import type { Config } from '../config/config.js';
import type { AddRouteOutcome, CaddyAdminClient } from '../adapters/caddy/admin-client.js';
import {
  CADDY_SERVER_NAME,
  caddyBaseConfig,
  type CaddyJson,
} from '../../generators/caddy/route-json.js';
import { forCaddyVersion } from '../../generators/caddy/caddy-version.js';

type Servers = Record<string, unknown>;

function serversOf(config: unknown): Servers | undefined {
  const apps = (config as { apps?: { http?: { servers?: Servers } } } | null)?.apps;
  return apps?.http?.servers;
}

/**
 * Puts the env's route into Caddy. A Caddy without prenv's server (a fresh node) first gets
 * prenv's base config, for a Caddy of `target.version` (caddy-version.ts) and listening where
 * `target.listen` says (default :443, or :80 without TLS), merged into what it runs,
 * so its admin settings and other apps stay. The Caddy fleet (caddy-fleet.ts) does this on each
 * of its Caddies.
 */
export async function loadEnvRoute(
  caddy: CaddyAdminClient,
  config: Config,
  env: string,
  route: CaddyJson,
  target: { version?: string; listen?: string[] } = {},
): Promise<AddRouteOutcome | 'loaded'> {
  if ('members' in caddy) return caddy.addRoute(env, route);
  const current = (await caddy.getConfig()) as CaddyJson | null;
  if (serversOf(current)?.[CADDY_SERVER_NAME] !== undefined) return caddy.addRoute(env, route);
  const base = forCaddyVersion(caddyBaseConfig(config, [route], target.listen), target.version) as {
    apps: CaddyJson;
  };
  const apps = (current?.apps ?? {}) as CaddyJson;
  const http = (apps.http ?? {}) as CaddyJson;
  const merged = {
    ...(current ?? {}),
    apps: {
      ...apps,
      ...(base.apps.tls && !apps.tls ? { tls: base.apps.tls } : {}),
      http: { ...http, servers: { ...serversOf(current), ...serversOf(base) } },
    },
  };
  await caddy.loadConfig(merged);
  return 'loaded';
}
