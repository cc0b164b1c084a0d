import type { Logger } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';
import type { Deprecation, ServerTypeFacts } from '../../core/server-type-check.js';
import { errorFromResponse, HetznerError, unreachableError } from './errors.js';

export const DEFAULT_HCLOUD_API_URL = 'https://api.hetzner.cloud/v1';

/** A server as prenv reads it from `GET /servers`. */
export interface HetznerServer {
  id: number;
  name: string;
  status: string;
  /** ISO time the server was created. */
  created: string;
  labels: Record<string, string>;
  serverType: string | null;
  location: string | null;
}

/**
 * A server type as prenv reads it from `GET /server_types` (docs.hetzner.cloud, "Server
 * Types"): the shape the pure check in core/server-type-check.ts takes.
 */
export type HetznerServerType = ServerTypeFacts;

/** The Hetzner Cloud API calls prenv makes; every failure is a HetznerError. */
export interface HetznerApi {
  /** Every server type Hetzner lists (on sale and deprecated), all pages. */
  listServerTypes?(): Promise<HetznerServerType[]>;
  /** Every server matching a label selector (e.g. `project==aipacto`), all pages. */
  listServers(labelSelector: string): Promise<HetznerServer[]>;
  /** Deletes a server; a server that is already gone is not an error. */
  deleteServer(id: number): Promise<'deleted' | 'already_gone'>;
}

export interface HetznerClientOptions {
  /** e.g. `https://api.hetzner.cloud/v1` */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; never logged and never part of an error. */
  token: string;
  fetch: typeof fetch;
  logger?: Logger;
  /** Entries per page (Hetzner allows 1–50). */
  perPage?: number;
  requestTimeoutMs?: number;
}

interface ServerJson {
  id?: unknown;
  name?: unknown;
  status?: unknown;
  created?: unknown;
  labels?: unknown;
  server_type?: { name?: unknown } | null;
  datacenter?: { location?: { name?: unknown } | null } | null;
}

const MAX_PAGES = 1000;

export function createHetznerClient(options: HetznerClientOptions): HetznerApi {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const logger = options.logger ?? silentLogger;
  const perPage = options.perPage ?? 50;

  const send = async (
    method: 'GET' | 'DELETE',
    path: string,
    query: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown }> => {
    const request = `${method} ${path}`;
    const url = new URL(`${baseUrl}${path}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    let res: Response;
    let text: string;
    try {
      res = await options.fetch(url, {
        method,
        headers: { Authorization: `Bearer ${options.token}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(options.requestTimeoutMs ?? 30_000),
      });
      text = await res.text();
    } catch (err) {
      throw unreachableError(request, baseUrl, err);
    }
    logger.debug('hetzner request', { request, status: res.status });
    if (!res.ok)
      throw errorFromResponse(res.status, text, request, res.headers.get('RateLimit-Reset'));
    try {
      return { status: res.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
    } catch {
      throw new HetznerError({
        kind: 'bad_response',
        status: res.status,
        request,
        message: `Hetzner Cloud answered ${request} with something other than JSON.`,
      });
    }
  };

  /** Every item of a paginated list (`{ <field>: [...], meta: { pagination } }`), all pages. */
  const listAll = async <T>(
    path: string,
    field: string,
    query: Record<string, string>,
    map: (item: never) => T,
  ): Promise<T[]> => {
    const request = `GET ${path}`;
    const items: T[] = [];
    let page = 1;
    for (let i = 0; i < MAX_PAGES; i++) {
      const { body } = await send('GET', path, {
        ...query,
        page: String(page),
        per_page: String(perPage),
      });
      const list = body as
        | (Record<string, unknown> & {
            meta?: { pagination?: { next_page?: unknown } };
          })
        | null;
      const found = list?.[field];
      if (!Array.isArray(found))
        throw new HetznerError({
          kind: 'bad_response',
          request,
          message: `Hetzner Cloud answered ${request} without a \`${field}\` list.`,
        });
      items.push(...(found as never[]).map(map));
      const next = list?.meta?.pagination?.next_page;
      if (typeof next !== 'number' || next <= page) return items;
      page = next;
    }
    throw new HetznerError({
      kind: 'bad_response',
      request,
      message: `Hetzner Cloud kept answering ${request} with a next page after ${MAX_PAGES} pages.`,
    });
  };

  return {
    listServerTypes: () =>
      listAll('/server_types', 'server_types', {}, (t: ServerTypeJson) => toServerType(t)),

    listServers: (labelSelector) =>
      listAll('/servers', 'servers', { label_selector: labelSelector }, (s: ServerJson) =>
        toServer(s),
      ),

    async deleteServer(id) {
      if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`not a server id: ${id}`);
      try {
        await send('DELETE', `/servers/${id}`);
        return 'deleted';
      } catch (err) {
        if (err instanceof HetznerError && err.kind === 'not_found') return 'already_gone';
        throw err;
      }
    },
  };
}

function toServer(s: ServerJson): HetznerServer {
  if (typeof s.id !== 'number' || typeof s.name !== 'string')
    throw new HetznerError({
      kind: 'bad_response',
      request: 'GET /servers',
      message: 'Hetzner Cloud listed a server without a numeric `id` and a `name`.',
    });
  const labels: Record<string, string> = {};
  if (s.labels && typeof s.labels === 'object') {
    for (const [k, v] of Object.entries(s.labels)) if (typeof v === 'string') labels[k] = v;
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    id: s.id,
    name: s.name,
    status: str(s.status) ?? 'unknown',
    created: str(s.created) ?? '',
    labels,
    serverType: str(s.server_type?.name),
    location: str(s.datacenter?.location?.name),
  };
}

interface DeprecationJson {
  announced?: unknown;
  unavailable_after?: unknown;
}

interface ServerTypeJson {
  name?: unknown;
  cores?: unknown;
  memory?: unknown;
  architecture?: unknown;
  cpu_type?: unknown;
  deprecation?: DeprecationJson | null;
  locations?: { name?: unknown; deprecation?: DeprecationJson | null }[];
  prices?: {
    location?: unknown;
    price_hourly?: { net?: unknown };
    price_monthly?: { net?: unknown };
  }[];
}

function toDeprecation(d: DeprecationJson | null | undefined): Deprecation | null {
  if (!d || typeof d !== 'object') return null;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return { announced: str(d.announced), unavailableAfter: str(d.unavailable_after) };
}

/** Hetzner's prices are decimal strings (`"4.5900000000"`). */
function amount(v: unknown): number {
  const n = typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : NaN;
}

function toServerType(t: ServerTypeJson): HetznerServerType {
  if (typeof t.name !== 'string')
    throw new HetznerError({
      kind: 'bad_response',
      request: 'GET /server_types',
      message: 'Hetzner Cloud listed a server type without a `name`.',
    });
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    name: t.name,
    cores: num(t.cores),
    memoryGB: num(t.memory),
    architecture: str(t.architecture),
    cpuType: str(t.cpu_type),
    deprecation: toDeprecation(t.deprecation),
    locations: (Array.isArray(t.locations) ? t.locations : []).flatMap((l) =>
      typeof l.name === 'string'
        ? [{ name: l.name, deprecation: toDeprecation(l.deprecation) }]
        : [],
    ),
    prices: (Array.isArray(t.prices) ? t.prices : []).flatMap((p) => {
      const hourly = amount(p.price_hourly?.net);
      const monthly = amount(p.price_monthly?.net);
      return typeof p.location === 'string' && Number.isFinite(hourly) && Number.isFinite(monthly)
        ? [{ location: p.location, hourly, monthly }]
        : [];
    }),
  };
}
