import type { RetryPolicy } from '../../core/backoff.js';
import type { Logger } from '../../core/logger.js';
import { withRetries } from '../retry.js';
import { CaddyError, errorFromResponse, unreachableError } from './errors.js';

export interface AdminHttpOptions {
  /** e.g. "http://127.0.0.1:2019" */
  baseUrl: string;
  fetch: typeof fetch;
  logger: Logger;
  requestTimeoutMs: number;
}

export interface AdminRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Starts with "/", e.g. "/id/prenv-pr-7". */
  path: string;
  body?: unknown;
  /** Sent as If-Match; Caddy answers 412 when the config at its path changed. */
  ifMatch?: string;
}

export interface AdminResponse {
  /** The body exactly as Caddy wrote it (ETags hash these bytes). */
  text: string;
}

export type AdminHttp = (req: AdminRequest) => Promise<AdminResponse>;

/**
 * Caddy 2.6 restarts its admin server on every config change and may drop
 * requests that arrive meanwhile. Every request this adapter sends is safe to
 * repeat (reads, PATCH/DELETE by id, /load of the same config, inserts guarded
 * by If-Match), so these drops are retried briefly.
 */
const DROPPED_CONNECTION = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE']);
/** 4 attempts, 100 ms, 200 ms and 400 ms apart: about as long as the admin server's restart. */
const DROPPED_RETRY: RetryPolicy = { baseMs: 100, maxMs: 400, maxAttempts: 4 };

function causeCode(err: unknown): unknown {
  return (err as { cause?: { code?: unknown } } | undefined)?.cause?.code;
}

/** One admin API call; any non-2xx answer becomes a CaddyError. */
export function createAdminHttp(options: AdminHttpOptions): AdminHttp {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const send = async (req: AdminRequest): Promise<{ res: Response; text: string }> => {
    const headers: Record<string, string> = {};
    if (req.body !== undefined) headers['Content-Type'] = 'application/json';
    if (req.ifMatch !== undefined) headers['If-Match'] = req.ifMatch;
    const once = async () => {
      const res = await options.fetch(`${baseUrl}${req.path}`, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(options.requestTimeoutMs),
      });
      return { res, text: await res.text() };
    };
    try {
      return await withRetries(once, {
        policy: DROPPED_RETRY,
        retryable: (err) => {
          const code = causeCode(err);
          return typeof code === 'string' && DROPPED_CONNECTION.has(code);
        },
        onRetry: (err, attempt) =>
          options.logger.debug('caddy admin connection dropped; retrying', {
            code: causeCode(err),
            attempt,
          }),
      });
    } catch (err) {
      throw unreachableError(`${req.method} ${req.path}`, baseUrl, err);
    }
  };
  return async (req) => {
    const request = `${req.method} ${req.path}`;
    const { res, text } = await send(req);
    options.logger.debug('caddy admin request', { request, status: res.status });
    if (!res.ok) throw errorFromResponse(res.status, text, request);
    return { text };
  };
}

/** Parses a JSON answer, or explains which request answered something else. */
export function parseJson(text: string, request: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CaddyError({
      kind: 'bad_response',
      request,
      message: `Caddy answered ${request} with something that is not JSON: ${text.slice(0, 200)}`,
    });
  }
}

/**
 * The ETag Caddy 2.6 gives a GET of `path` (sent as a trailer, which fetch
 * cannot read): `"<path> <FNV-1a 32-bit of the body, hex>"`. Sending it back
 * as If-Match makes a write fail with 412 if that part of the config changed.
 */
export function caddyEtag(path: string, body: string): string {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(body, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `"${path} ${hash.toString(16).padStart(8, '0')}"`;
}
