import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseLabelSelector } from './label-selector.js';

/** A server the double lists, in Hetzner's terms. */
export interface FakeServer {
  id: number;
  name: string;
  labels: Record<string, string>;
  serverType?: string;
  location?: string;
  status?: string;
  created?: string;
}

export interface FakeHetznerOptions {
  /** The API token requests must carry as `Authorization: Bearer …`. */
  token: string;
  /** Servers that exist besides the strays a test adds, read at every request (e.g. Terraform's). */
  source?: () => Promise<FakeServer[]>;
  /** Requests allowed per hour before 429 rate_limit_exceeded (Hetzner's default is 3600). */
  rateLimit?: number;
  /** What `GET /server_types` lists, as Hetzner's JSON (see `serverTypeJson`). */
  serverTypes?: Record<string, unknown>[];
}

/** A server type as Hetzner's API lists it; prices are net/gross decimal strings, memory in GB. */
export function serverTypeJson(input: {
  name: string;
  cores: number;
  memory: number;
  monthly: number;
  architecture?: 'x86' | 'arm';
  cpuType?: 'shared' | 'dedicated';
  locations?: string[];
  deprecation?: { announced: string; unavailable_after: string };
  /** Per location, overriding the type's own (null: offered there). */
  locationDeprecation?: Record<string, { announced: string; unavailable_after: string }>;
}): Record<string, unknown> {
  const locations = input.locations ?? ['fsn1', 'nbg1', 'hel1'];
  const price = (net: number) => ({ net: net.toFixed(10), gross: (net * 1.19).toFixed(10) });
  return {
    id: input.name.length * 1000 + input.cores,
    name: input.name,
    description: input.name.toUpperCase(),
    category: input.cpuType === 'dedicated' ? 'dedicated_cpu' : 'cost_optimized',
    cores: input.cores,
    memory: input.memory,
    disk: 40,
    storage_type: 'local',
    cpu_type: input.cpuType ?? 'shared',
    architecture: input.architecture ?? 'x86',
    deprecated: input.deprecation !== undefined,
    deprecation: input.deprecation ?? null,
    locations: locations.map((name, i) => ({
      id: i + 1,
      name,
      deprecation: input.locationDeprecation?.[name] ?? input.deprecation ?? null,
    })),
    prices: locations.map((location) => ({
      location,
      price_hourly: price(Math.ceil((input.monthly / 730) * 10_000) / 10_000),
      price_monthly: price(input.monthly),
      included_traffic: 21_990_232_555_520,
      price_per_tb_traffic: price(1),
    })),
  };
}

export interface FakeHetzner {
  /** Base URL, `http://127.0.0.1:<port>/v1`. */
  url: string;
  requests: { method: string; path: string; query: Record<string, string> }[];
  /** Ids deleted through `DELETE /servers/{id}`, in order. */
  deleted: number[];
  /** Adds a server nobody manages (a stray); returns its id. */
  addStray(server: Omit<FakeServer, 'id'> & { id?: number }): number;
  /** Every server the API would list now (after deletions). */
  servers(): Promise<FakeServer[]>;
  /** The next request answers with this error (status and Hetzner error code). */
  failNext(status: number, code: string, message: string): void;
  close(): Promise<void>;
}

const RESET_SECONDS = 3600;

/**
 * A test double of the Hetzner Cloud API's server listing and deletion, following the shapes
 * of docs.hetzner.cloud: `{"servers": […], "meta": {"pagination": {…}}}`, errors as
 * `{"error": {"code", "message", "details"}}`, `RateLimit-*` headers. Listens on 127.0.0.1 only.
 */
export async function startFakeHetzner(options: FakeHetznerOptions): Promise<FakeHetzner> {
  const strays = new Map<number, FakeServer>();
  const deleted: number[] = [];
  const gone = new Set<number>();
  const requests: FakeHetzner['requests'] = [];
  const failures: { status: number; code: string; message: string }[] = [];
  const limit = options.rateLimit ?? 3600;
  let remaining = limit;
  let nextId = 90_000_001;

  const all = async (): Promise<FakeServer[]> => {
    const fromSource = options.source ? await options.source() : [];
    return [...fromSource, ...strays.values()]
      .filter((s) => !gone.has(s.id))
      .sort((a, b) => a.id - b.id);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    requests.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams) });
    res.setHeader('RateLimit-Limit', String(limit));
    res.setHeader('RateLimit-Reset', String(Math.floor(Date.now() / 1000) + RESET_SECONDS));
    if (req.headers.authorization !== `Bearer ${options.token}`)
      return error(res, 401, 'unauthorized', 'unable to authenticate');
    if (remaining === 0) {
      res.setHeader('RateLimit-Remaining', '0');
      return error(res, 429, 'rate_limit_exceeded', 'limit of requests reached');
    }
    remaining -= 1;
    res.setHeader('RateLimit-Remaining', String(remaining));
    const failure = failures.shift();
    if (failure) return error(res, failure.status, failure.code, failure.message);
    if (method === 'GET' && url.pathname === '/v1/servers') return list(url, res);
    if (method === 'GET' && url.pathname === '/v1/server_types')
      return send(res, 200, {
        server_types: options.serverTypes ?? [],
        meta: {
          pagination: {
            page: 1,
            per_page: 50,
            previous_page: null,
            next_page: null,
            last_page: 1,
            total_entries: (options.serverTypes ?? []).length,
          },
        },
      });
    const del = /^\/v1\/servers\/(\d+)$/.exec(url.pathname);
    if (method === 'DELETE' && del) return remove(Number(del[1]), res);
    return error(res, 404, 'not_found', `no route ${method} ${url.pathname}`);
  };

  const list = async (url: URL, res: ServerResponse): Promise<void> => {
    const page = Number(url.searchParams.get('page') ?? '1');
    const perPage = Number(url.searchParams.get('per_page') ?? '25');
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 1)
      return error(res, 400, 'invalid_input', 'invalid page or per_page');
    const size = Math.min(perPage, 50);
    const selector = url.searchParams.get('label_selector');
    const test = selector === null ? () => true : parseLabelSelector(selector);
    if (typeof test !== 'function') return error(res, 400, 'invalid_input', test.error);
    const matching = (await all()).filter((s) => test(s.labels));
    const lastPage = Math.max(1, Math.ceil(matching.length / size));
    send(res, 200, {
      servers: matching.slice((page - 1) * size, page * size).map(serverJson),
      meta: {
        pagination: {
          page,
          per_page: size,
          previous_page: page > 1 ? page - 1 : null,
          next_page: page < lastPage ? page + 1 : null,
          last_page: lastPage,
          total_entries: matching.length,
        },
      },
    });
  };

  const remove = async (id: number, res: ServerResponse): Promise<void> => {
    if (!(await all()).some((s) => s.id === id))
      return error(res, 404, 'not_found', `server with ID '${id}' not found`);
    gone.add(id);
    strays.delete(id);
    deleted.push(id);
    send(res, 200, {
      action: {
        id: 7_000_000 + deleted.length,
        command: 'delete_server',
        status: 'running',
        progress: 0,
        started: new Date().toISOString(),
        finished: null,
        resources: [{ id, type: 'server' }],
        error: null,
      },
    });
  };

  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      handle(req, res).catch((err: unknown) =>
        error(res, 500, 'service_error', `fake failed: ${String(err)}`),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    deleted,
    addStray: (input) => {
      const id = input.id ?? nextId++;
      strays.set(id, { ...input, id });
      return id;
    },
    servers: all,
    failNext: (status, code, message) => void failures.push({ status, code, message }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function serverJson(s: FakeServer): Record<string, unknown> {
  const location = s.location ?? 'nbg1';
  return {
    id: s.id,
    name: s.name,
    status: s.status ?? 'running',
    created: s.created ?? '2026-11-22T10:00:00+00:00',
    labels: s.labels,
    server_type: { id: 1, name: s.serverType ?? 'cx22' },
    datacenter: { id: 2, name: `${location}-dc3`, location: { id: 3, name: location } },
    public_net: { ipv4: { ip: `203.0.113.${(s.id % 250) + 2}` }, ipv6: null },
    private_net: [],
    protection: { delete: false, rebuild: false },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function error(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, { error: { code, message, details: {} } });
}
