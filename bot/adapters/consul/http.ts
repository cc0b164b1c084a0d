import type { Logger } from '../../core/logger.js';
import { ConsulError, errorFromResponse, unreachableError } from './errors.js';

export interface ConsulHttpOptions {
  /** e.g. "http://127.0.0.1:8500" */
  baseUrl: string;
  fetch: typeof fetch;
  /** Sent as X-Consul-Token; never logged and never part of an error message. */
  token?: string;
  logger: Logger;
  requestTimeoutMs: number;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface ConsulRequest {
  method: 'GET' | 'PUT' | 'DELETE';
  /** Starts with "/v1/"; path segments already encoded. */
  path: string;
  query?: Query;
  /** A string is sent as is (KV values); anything else as JSON. */
  body?: unknown;
  /** 404 is an answer here (a missing key), not an error. */
  allowNotFound?: boolean;
  /** Overrides the default timeout, for blocking queries. */
  timeoutMs?: number;
  /** Ends the request early (a blocking query of a process shutting down). */
  signal?: AbortSignal;
}

export interface ConsulResponse {
  status: number;
  text: string;
  /** X-Consul-Index, for blocking queries. */
  index: number | undefined;
}

export type ConsulHttp = (req: ConsulRequest) => Promise<ConsulResponse>;

export function createConsulHttp(options: ConsulHttpOptions): ConsulHttp {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  return async (req) => {
    const request = `${req.method} ${req.path}`;
    const url = new URL(`${baseUrl}${req.path}`);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = {};
    if (options.token) headers['X-Consul-Token'] = options.token;
    let body: string | undefined;
    if (typeof req.body === 'string') body = req.body;
    else if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['Content-Type'] = 'application/json';
    }
    let res: Response;
    let text: string;
    try {
      res = await options.fetch(url, {
        method: req.method,
        headers,
        body,
        signal: AbortSignal.any([
          AbortSignal.timeout(req.timeoutMs ?? options.requestTimeoutMs),
          ...(req.signal ? [req.signal] : []),
        ]),
      });
      text = await res.text();
    } catch (err) {
      throw unreachableError(request, baseUrl, err);
    }
    options.logger.debug('consul request', { request, status: res.status });
    if (!res.ok && !(req.allowNotFound && res.status === 404)) {
      throw errorFromResponse(res.status, text, request);
    }
    const indexHeader = res.headers.get('X-Consul-Index');
    return {
      status: res.status,
      text,
      index: indexHeader === null ? undefined : Number(indexHeader),
    };
  };
}

/** Parses a JSON answer, or explains which request answered something else. */
export function parseJson(res: ConsulResponse, request: string): unknown {
  try {
    return JSON.parse(res.text) as unknown;
  } catch {
    throw new ConsulError({
      kind: 'bad_response',
      request,
      status: res.status,
      message: `Consul answered ${request} with something that is not JSON: ${res.text.slice(0, 200)}`,
    });
  }
}

/** Consul answers writes such as CAS, acquire and release with a bare `true` or `false`. */
export function parseBool(res: ConsulResponse, request: string): boolean {
  const value = parseJson(res, request);
  if (typeof value !== 'boolean') {
    throw new ConsulError({
      kind: 'bad_response',
      request,
      status: res.status,
      message: `Consul answered ${request} with ${res.text.slice(0, 100)} instead of true/false`,
    });
  }
  return value;
}

/** Encodes a KV key for the URL path, keeping its slashes. */
export function keyPath(key: string): string {
  if (key === '' || key.startsWith('/')) {
    throw new Error(`invalid Consul KV key: ${JSON.stringify(key)}`);
  }
  return key.split('/').map(encodeURIComponent).join('/');
}
