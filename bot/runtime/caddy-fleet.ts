import type { Config } from '../config/config.js';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import {
  canonical,
  routeId,
  type AddRouteOutcome,
  type CaddyAdminClient,
  type CaddyRoute,
  type PrenvRoute,
  type RemoveRouteOutcome,
} from '../adapters/caddy/admin-client.js';
import { CaddyError, isCaddyError } from '../adapters/caddy/errors.js';
import { forCaddyVersion } from '../../generators/caddy/caddy-version.js';
import type { ConsulServices } from '../adapters/consul/client.js';
import { loadEnvRoute } from './caddy-entry.js';

/** One Caddy of the entry tier: its admin API and, when known, its version. */
export interface CaddyMember {
  adminUrl: string;
  /** e.g. `2.10.2`; unknown: only what Caddy 2.6 accepts is sent (caddy-version.ts). */
  version?: string;
  /** Where it runs (a Consul node name), for messages. */
  node?: string;
}

export interface CaddyFleetOptions {
  config: Config;
  /** The Caddies to keep in step, read before every operation (Consul's catalog, or one URL). */
  members: () => Promise<CaddyMember[]>;
  client: (member: CaddyMember) => CaddyAdminClient;
  /** Where prenv's server listens when it is loaded into a bare Caddy (default caddyBaseConfig's). */
  listen?: string[];
  logger?: Logger;
}

/** A fixed route put back on a Caddy that had lost it. */
export interface RestoredRoute {
  env: string;
  caddy: string;
}

/** Every Caddy in front of the cluster, driven as one: the same routes on each, verified. */
export interface CaddyFleet extends CaddyAdminClient {
  members(): Promise<CaddyMember[]>;
  /**
   * Puts each fixed route (production's, staging's, the bot's: every prenv route that is not a
   * PR's) that some Caddies hold back on the Caddies that lost it (a Caddy restarted from its
   * base config, a new entry node), as the first Caddy holding it has it, adapted to each
   * Caddy's version and verified. PR routes are left to the reconciler, which redeploys an env
   * whose route is gone. A Caddy that cannot be read is skipped; one that refuses the route
   * makes it throw a CaddyError naming it, after the others were restored. With `live`, only
   * the routes of environments it answers true for are restored (a route an earlier destroy
   * could not remove everywhere is not spread again); one it cannot answer is skipped. With
   * `render` too, production's or staging's route that no Caddy holds any more (a lone Caddy
   * restarted) is rendered from prenv.yml and added everywhere, if `live` says it runs.
   */
  restoreFixedRoutes(
    live?: (env: string) => Promise<boolean>,
    render?: (env: FixedRenderedEnv) => CaddyRoute,
  ): Promise<RestoredRoute[]>;
}

/** The fixed environments whose route prenv.yml alone describes (the bot's needs its host). */
export type FixedRenderedEnv = 'production' | 'staging';
const RENDERED: FixedRenderedEnv[] = ['production', 'staging'];

/** `pr-<n>`: a PR environment's route; every other prenv route is fixed. */
const PR_ENV = /^pr-[1-9]\d*$/;

const label = (m: CaddyMember) => (m.node ? `${m.node} (${m.adminUrl})` : m.adminUrl);

/**
 * Runs `op` on every member, all of them even when some fail (a change must reach every Caddy
 * it can), then throws one CaddyError naming each member that failed.
 */
async function onEach<T>(
  members: CaddyMember[],
  what: string,
  op: (m: CaddyMember) => Promise<T>,
): Promise<T[]> {
  if (members.length === 0)
    throw new CaddyError({
      kind: 'unreachable',
      message:
        `No Caddy to ${what}: the entry tier has no Caddy whose health check passes. ` +
        'Check the Consul service named by PRENV_CADDY_SERVICE (or PRENV_CADDY_ADMIN).',
    });
  const results = await Promise.allSettled(members.map(op));
  const failed = results.flatMap((r, i) =>
    r.status === 'rejected' ? [`${label(members[i]!)}: ${(r.reason as Error).message}`] : [],
  );
  if (failed.length > 0) {
    const first = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    // One Caddy: its own error says everything.
    if (members.length === 1) throw first.reason;
    throw new CaddyError({
      kind: isCaddyError(first.reason) ? first.reason.kind : 'rejected',
      message: `Could not ${what} on ${failed.length} of ${members.length} Caddies: ${failed.join('; ')}`,
    });
  }
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/**
 * The Caddy fleet: each route change goes to every member and is read back from each (a route
 * Caddy holds differently from what was sent is an error naming that Caddy). A member without
 * prenv's HTTP server (a new node, or a Caddy restarted without its config) first gets prenv's
 * base config merged in. What is sent is adapted to each member's version (forCaddyVersion).
 * `listPrenvRoutes` lists only the routes every member holds, so the reconciler sees a route one
 * Caddy lost as lost and redeploys its env, which puts it back there.
 */
export function createCaddyFleet(options: CaddyFleetOptions): CaddyFleet {
  const logger = options.logger ?? silentLogger;
  const each = async <T>(what: string, op: (c: CaddyAdminClient, m: CaddyMember) => Promise<T>) =>
    onEach(await options.members(), what, (m) => op(options.client(m), m));

  const addOne = async (
    client: CaddyAdminClient,
    member: CaddyMember,
    env: string,
    route: CaddyRoute,
  ): Promise<AddRouteOutcome | 'loaded'> => {
    const wanted = forCaddyVersion({ ...route, '@id': routeId(env) }, member.version);
    const outcome = await loadEnvRoute(client, options.config, env, wanted, {
      ...(member.version ? { version: member.version } : {}),
      ...(options.listen ? { listen: options.listen } : {}),
    });
    const held = await client.getRoute(env);
    if (held === undefined || canonical(held) !== canonical(wanted))
      throw new CaddyError({
        kind: 'bad_response',
        message: `route ${routeId(env)} reads back ${held === undefined ? 'missing' : 'different from what was sent'}`,
      });
    if (outcome !== 'unchanged')
      logger.info('caddy route applied', { env, outcome, caddy: label(member) });
    return outcome;
  };

  const fleet: CaddyFleet = {
    members: options.members,

    async getRoute(env) {
      const routes = await each(`read route ${routeId(env)}`, (c) => c.getRoute(env));
      return routes.every((r) => r !== undefined) ? routes[0] : undefined;
    },

    async addRoute(env, route) {
      const outcomes = await each(`apply route ${routeId(env)}`, (c, m) =>
        addOne(c, m, env, route),
      );
      if (outcomes.some((o) => o === 'added' || o === 'loaded')) return 'added';
      return outcomes.includes('replaced') ? 'replaced' : 'unchanged';
    },

    async replaceRoute(env, route) {
      await each(`replace route ${routeId(env)}`, (c, m) =>
        c.replaceRoute(env, forCaddyVersion(route, m.version)),
      );
    },

    async removeRoute(env): Promise<RemoveRouteOutcome> {
      const outcomes = await each(`remove route ${routeId(env)}`, (c) => c.removeRoute(env));
      return outcomes.includes('removed') ? 'removed' : 'absent';
    },

    async listPrenvRoutes() {
      const lists = await each('list prenv routes', async (c) => {
        try {
          return await c.listPrenvRoutes();
        } catch (err) {
          // A Caddy without prenv's server holds no route: it lost them all.
          if (isCaddyError(err, 'rejected')) return [] as PrenvRoute[];
          throw err;
        }
      });
      const [first = [], ...rest] = lists;
      return first.filter((r) => rest.every((list) => list.some((o) => o.id === r.id)));
    },

    async loadConfig(config) {
      await each('load the config', (c, m) => c.loadConfig(forCaddyVersion(config, m.version)));
    },

    async getConfig() {
      const [config] = await each('read the config', (c) => c.getConfig());
      return config;
    },

    async restoreFixedRoutes(live, render) {
      const members = await options.members();
      const held = await Promise.all(
        members.map(async (m) => {
          try {
            return await options.client(m).listPrenvRoutes();
          } catch (err) {
            // Without prenv's server (restarted bare) it holds none; unreachable: not judged.
            if (isCaddyError(err, 'rejected')) return [] as PrenvRoute[];
            logger.warn('caddy not read for fixed routes', {
              caddy: label(m),
              error: (err as Error).message,
            });
            return null;
          }
        }),
      );
      // The first Caddy (in node order) holding a fixed route gives its content.
      const fixed = new Map<string, CaddyRoute>();
      for (const list of held)
        for (const r of list ?? [])
          if (!PR_ENV.test(r.env) && !fixed.has(r.env)) fixed.set(r.env, r.route);
      const heldSomewhere = new Set(fixed.keys());
      if (render && live && held.every((list) => list !== null))
        for (const env of RENDERED) if (!fixed.has(env)) fixed.set(env, render(env));
      for (const env of [...fixed.keys()]) {
        const wanted = live
          ? await live(env).catch((err: unknown) => {
              logger.warn('fixed route not restored: its environment could not be checked', {
                env,
                error: (err as Error).message,
              });
              return false;
            })
          : true;
        if (!wanted) fixed.delete(env);
        else if (!heldSomewhere.has(env))
          logger.info('caddy fixed route held by no Caddy: rendered from prenv.yml', { env });
      }
      const lost = members.flatMap((member, i) => {
        const list = held[i];
        const envs = list ? [...fixed.keys()].filter((e) => !list.some((r) => r.env === e)) : [];
        return envs.length > 0 ? [{ member, envs }] : [];
      });
      if (lost.length === 0) return [];
      await onEach(
        lost.map((l) => l.member),
        'restore fixed routes',
        async (member) => {
          const client = options.client(member);
          for (const env of lost.find((l) => l.member === member)!.envs)
            await addOne(client, member, env, fixed.get(env)!);
        },
      );
      const restored = lost.flatMap((l) => l.envs.map((env) => ({ env, caddy: label(l.member) })));
      for (const r of restored) logger.info('caddy fixed route restored', { ...r });
      return restored;
    },
  };
  return fleet;
}

export function isCaddyFleet(caddy: CaddyAdminClient): caddy is CaddyFleet {
  return typeof (caddy as Partial<CaddyFleet>).members === 'function';
}

/** The Consul service meta key that carries a Caddy's version (cloud-init registers it). */
export const CADDY_VERSION_META = 'caddy_version';

/**
 * The members of the fleet from Consul's catalog: every instance of `service` (the Caddy admin
 * API each entry node registers) whose checks pass, as `http://<address>:<port>`, in node order.
 */
export function consulCaddies(
  services: Pick<ConsulServices, 'healthy'>,
  service: string,
): () => Promise<CaddyMember[]> {
  return async () =>
    (await services.healthy(service))
      .map((i) => ({
        adminUrl: `http://${i.address.includes(':') ? `[${i.address}]` : i.address}:${i.port}`,
        node: i.node,
        ...(i.meta[CADDY_VERSION_META] ? { version: i.meta[CADDY_VERSION_META] } : {}),
      }))
      .sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
}
