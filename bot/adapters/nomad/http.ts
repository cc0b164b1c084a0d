import type { Logger } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';
import { redact } from '../../core/redact.js';
import { errorFromResponse, isRetryable, NomadError, unreachableError } from './errors.js';
import type { Random, RetryPolicy } from '../../core/backoff.js';
import { withRetries, type Sleep } from '../retry.js';

/**
 * 4 attempts 250 ms, 500 ms, 1 s apart (at most 5 s), each wait up to half shorter at random:
 * a Nomad leader election passes, and runs that failed together do not retry together.
 */
export const NOMAD_RETRY: RetryPolicy = { baseMs: 250, maxMs: 5_000, maxAttempts: 4, jitter: 0.5 };

export interface NomadHttpOptions {
  /** e.g. "http://10.0.0.2:4646" */
  baseUrl: string;
  fetch: typeof fetch;
  /** Sent as X-Nomad-Token; never logged and never part of an error message. */
  token?: string;
  namespace?: string;
  region?: string;
  /** Default `NOMAD_RETRY`. */
  retry?: RetryPolicy;
  sleep?: Sleep;
  random?: Random;
  logger?: Logger;
  /** Per attempt. */
  requestTimeoutMs?: number;
}

export type Query = Record<string, string | boolean | number | undefined>;

export interface NomadRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Query;
  body?: unknown;
}

export type NomadResult<T> = { ok: true; value: T } | { ok: false; error: NomadError };

/** The only place that talks HTTP to Nomad: adds token, namespace and region; retries; types errors. */
export class NomadHttp {
  private readonly base: URL;
  private readonly logger: Logger;

  constructor(private readonly options: NomadHttpOptions) {
    this.base = new URL(options.baseUrl);
    this.logger = options.logger ?? silentLogger;
  }

  /** Performs the request; throws NomadError on any failure. */
  async send<T>(req: NomadRequest): Promise<T> {
    const label = `${req.method} ${req.path}`;
    return withRetries(
      async () => {
        const result = await this.once<T>(req, label);
        if (result.ok) return result.value;
        throw result.error;
      },
      {
        policy: this.options.retry ?? NOMAD_RETRY,
        retryable: (err) => err instanceof NomadError && isRetryable(err),
        ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
        ...(this.options.random ? { random: this.options.random } : {}),
        onRetry: (err, attempt, delayMs) => {
          const error = err as NomadError;
          this.logger.warn('nomad request failed, retrying', {
            request: label,
            kind: error.kind,
            status: error.status,
            attempt,
            delayMs,
          });
        },
      },
    );
  }

  private async once<T>(req: NomadRequest, label: string): Promise<NomadResult<T>> {
    const url = this.url(req);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token) headers['x-nomad-token'] = this.options.token;
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await this.options.fetch(url, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 30_000),
      });
      text = await response.text();
    } catch (cause) {
      return { ok: false, error: unreachableError(label, this.base.origin, cause) };
    }
    if (!response.ok) {
      const safe = redact(text, [this.options.token]);
      return {
        ok: false,
        error: errorFromResponse(response.status, safe, label, this.base.origin),
      };
    }
    if (text.trim() === '') return { ok: true, value: null as T };
    try {
      return { ok: true, value: JSON.parse(text) as T };
    } catch {
      return {
        ok: false,
        error: new NomadError({
          kind: 'server',
          status: response.status,
          request: label,
          message: `Nomad answered ${label} with a body that is not JSON; is ${this.base.origin} a Nomad HTTP API?`,
        }),
      };
    }
  }

  private url(req: NomadRequest): string {
    const prefix = this.base.pathname.replace(/\/+$/, '');
    const url = new URL(prefix + req.path, this.base.origin);
    const query: Query = {
      namespace: this.options.namespace,
      region: this.options.region,
      ...req.query,
    };
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }
}

/** Encodes one path segment (a job or node ID) for /v1/job/:id. */
export function segment(id: string): string {
  return encodeURIComponent(id);
}
