import type { Logger } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';
import { redact } from '../../core/redact.js';
import { errorFromResponse, isRetryable, NomadError, unreachableError } from './errors.js';
import type { RetryPolicy, Sleep } from './retry.js';
import { exponentialBackoff, realSleep } from './retry.js';

export interface NomadHttpOptions {
  /** e.g. "http://10.0.0.2:4646" */
  baseUrl: string;
  fetch: typeof fetch;
  /** Sent as X-Nomad-Token; never logged and never part of an error message. */
  token?: string;
  namespace?: string;
  region?: string;
  retry?: RetryPolicy;
  sleep?: Sleep;
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
  private readonly retry: RetryPolicy;
  private readonly sleep: Sleep;
  private readonly logger: Logger;

  constructor(private readonly options: NomadHttpOptions) {
    this.base = new URL(options.baseUrl);
    this.retry = options.retry ?? exponentialBackoff();
    this.sleep = options.sleep ?? realSleep;
    this.logger = options.logger ?? silentLogger;
  }

  /** Performs the request; throws NomadError on any failure. */
  async send<T>(req: NomadRequest): Promise<T> {
    const label = `${req.method} ${req.path}`;
    let attempt = 0;
    for (;;) {
      attempt += 1;
      const result = await this.once<T>(req, label);
      if (result.ok) return result.value;
      const error = result.error;
      if (!isRetryable(error) || attempt >= this.retry.attempts) throw error;
      const delay = this.retry.delayMs(attempt);
      this.logger.warn('nomad request failed, retrying', {
        request: label,
        kind: error.kind,
        status: error.status,
        attempt,
        delayMs: delay,
      });
      await this.sleep(delay);
    }
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
      return { ok: false, error: errorFromResponse(response.status, safe, label) };
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
