import type { Logger } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';
import { caddyEtag, createAdminHttp, parseJson } from './admin-http.js';
import { CaddyError, isCaddyError } from './errors.js';

/** A route of Caddy's HTTP app, as JSON (`match`, `handle`, `terminal`, …). */
export type CaddyRoute = Record<string, unknown>;

export interface PrenvRoute {
  /** `prenv-<env>` */
  id: string;
  env: string;
  route: CaddyRoute;
}

export type AddRouteOutcome = 'added' | 'replaced' | 'unchanged';
export type RemoveRouteOutcome = 'removed' | 'absent';

export interface CaddyAdminClient {
  getRoute(env: string): Promise<CaddyRoute | undefined>;
  /** Adds the env's route before the catch-all, or replaces it in place if it exists. */
  addRoute(env: string, route: CaddyRoute): Promise<AddRouteOutcome>;
  /** Replaces the env's route; a CaddyError `unknown_id` when there is none. */
  replaceRoute(env: string, route: CaddyRoute): Promise<void>;
  /** Removes the env's route (every copy); `absent` when it was already gone. */
  removeRoute(env: string): Promise<RemoveRouteOutcome>;
  listPrenvRoutes(): Promise<PrenvRoute[]>;
  /** Replaces Caddy's whole config (`POST /load`). */
  loadConfig(config: unknown): Promise<void>;
  getConfig(): Promise<unknown>;
}

export interface CaddyAdminClientOptions {
  /** e.g. "http://127.0.0.1:2019" */
  baseUrl: string;
  fetch: typeof fetch;
  /** Name of the server in `apps.http.servers` that holds the env routes. */
  server: string;
  logger?: Logger;
  /** Read-then-write rounds tried when another writer changes the routes meanwhile. */
  maxAttempts?: number;
  requestTimeoutMs?: number;
}

export const ROUTE_ID_PREFIX = 'prenv-';

const ENV_NAME = /^[a-z0-9][a-z0-9-]*$/;

export function routeId(env: string): string {
  if (!ENV_NAME.test(env)) {
    throw new Error(`invalid environment name for a Caddy route id: ${JSON.stringify(env)}`);
  }
  return `${ROUTE_ID_PREFIX}${env}`;
}

/** Where a new env route goes: before a final match-all route (the catch-all 404). */
export function insertionIndex(routes: readonly unknown[]): number {
  const last = routes.at(-1);
  const matchesAll =
    last !== null &&
    typeof last === 'object' &&
    (!('match' in last) || (Array.isArray(last.match) && last.match.length === 0));
  return routes.length > 0 && matchesAll ? routes.length - 1 : routes.length;
}

/** JSON with object keys sorted, to compare configs as Caddy re-serializes them. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const asRoute = (value: unknown, request: string): CaddyRoute => {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as CaddyRoute;
  throw new CaddyError({
    kind: 'bad_response',
    request,
    message: `Caddy answered ${request} with something that is not a route object.`,
  });
};

export function createCaddyAdminClient(options: CaddyAdminClientOptions): CaddyAdminClient {
  const logger = options.logger ?? silentLogger;
  const http = createAdminHttp({
    baseUrl: options.baseUrl,
    fetch: options.fetch,
    logger,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
  });
  const maxAttempts = options.maxAttempts ?? 5;
  const routesPath = `/config/apps/http/servers/${encodeURIComponent(options.server)}/routes`;

  const getById = async (id: string): Promise<CaddyRoute | undefined> => {
    const path = `/id/${id}`;
    try {
      const { text } = await http({ method: 'GET', path });
      return asRoute(parseJson(text, `GET ${path}`), `GET ${path}`);
    } catch (err) {
      if (isCaddyError(err, 'unknown_id')) return undefined;
      throw err;
    }
  };

  const readRoutes = async (): Promise<{ routes: unknown[] | null; etag: string }> => {
    const request = `GET ${routesPath}`;
    let text: string;
    try {
      ({ text } = await http({ method: 'GET', path: routesPath }));
    } catch (err) {
      if (isCaddyError(err, 'rejected')) {
        throw new CaddyError({
          kind: 'rejected',
          status: err.status,
          request,
          caddyText: err.caddyText,
          message:
            `Caddy has no HTTP server named "${options.server}" (${err.caddyText}). ` +
            'Load the base Caddy config (prenv render, then loadConfig) before adding routes.',
        });
      }
      throw err;
    }
    const routes = parseJson(text, request);
    if (routes !== null && !Array.isArray(routes)) {
      throw new CaddyError({ kind: 'bad_response', request, message: `${request} is not a list` });
    }
    return { routes, etag: caddyEtag(routesPath, text) };
  };

  /**
   * One attempt at inserting; false when another writer changed the routes first, or added
   * this very route since it was looked up (the caller then looks again).
   */
  const tryInsert = async (route: CaddyRoute): Promise<boolean> => {
    const { routes, etag } = await readRoutes();
    const id = route['@id'];
    if (routes?.some((r) => (r as CaddyRoute | null)?.['@id'] === id)) return false;
    const write =
      routes === null
        ? { method: 'PUT' as const, path: routesPath, body: [route] }
        : insertionIndex(routes) < routes.length
          ? // PUT on an array index inserts there; POST on the array appends.
            { method: 'PUT' as const, path: `${routesPath}/${insertionIndex(routes)}`, body: route }
          : { method: 'POST' as const, path: routesPath, body: route };
    try {
      await http({ ...write, ifMatch: etag });
      return true;
    } catch (err) {
      if (isCaddyError(err, 'conflict')) return false;
      throw err;
    }
  };

  const replace = async (id: string, route: CaddyRoute): Promise<void> => {
    // PATCH replaces the element in place; PUT on an element would insert.
    await http({ method: 'PATCH', path: `/id/${id}`, body: route });
  };

  return {
    getRoute: (env) => getById(routeId(env)),

    async addRoute(env, route) {
      const id = routeId(env);
      const wanted = { ...route, '@id': id };
      for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
        const existing = await getById(id);
        if (existing !== undefined) {
          if (canonical(existing) === canonical(wanted)) return 'unchanged';
          try {
            await replace(id, wanted);
            return 'replaced';
          } catch (err) {
            if (!isCaddyError(err, 'unknown_id')) throw err;
            continue; // removed meanwhile: insert on the next round
          }
        }
        if (await tryInsert(wanted)) {
          logger.info('caddy route added', { id });
          return 'added';
        }
        logger.debug('caddy routes changed during insert; retrying', { id, attempt });
      }
      throw new CaddyError({
        kind: 'conflict',
        message:
          `Could not add Caddy route ${id}: the routes of server "${options.server}" ` +
          `kept changing during ${maxAttempts} attempts. Try again.`,
      });
    },

    async replaceRoute(env, route) {
      const id = routeId(env);
      try {
        await replace(id, { ...route, '@id': id });
      } catch (err) {
        if (!isCaddyError(err, 'unknown_id')) throw err;
        throw new CaddyError({
          kind: 'unknown_id',
          status: err.status,
          request: err.request,
          caddyText: err.caddyText,
          message: `Caddy has no route ${id} to replace; add it first.`,
        });
      }
    },

    async removeRoute(env) {
      const id = routeId(env);
      // Caddy 2.6.2 accepts duplicate ids; delete until none is left.
      for (let removed = 0; ; removed += 1) {
        try {
          await http({ method: 'DELETE', path: `/id/${id}` });
        } catch (err) {
          if (!isCaddyError(err, 'unknown_id')) throw err;
          if (removed > 0) logger.info('caddy route removed', { id });
          return removed > 0 ? 'removed' : 'absent';
        }
        if (removed >= 100) throw new Error(`Caddy kept answering DELETE /id/${id}`);
      }
    },

    async listPrenvRoutes() {
      const { routes } = await readRoutes();
      return (routes ?? []).flatMap((value): PrenvRoute[] => {
        if (!value || typeof value !== 'object') return [];
        const id = (value as CaddyRoute)['@id'];
        if (typeof id !== 'string' || !id.startsWith(ROUTE_ID_PREFIX)) return [];
        return [{ id, env: id.slice(ROUTE_ID_PREFIX.length), route: value as CaddyRoute }];
      });
    },

    async loadConfig(config) {
      await http({ method: 'POST', path: '/load', body: config });
      logger.info('caddy config loaded');
    },

    async getConfig() {
      const { text } = await http({ method: 'GET', path: '/config/' });
      return parseJson(text, 'GET /config/');
    },
  };
}
