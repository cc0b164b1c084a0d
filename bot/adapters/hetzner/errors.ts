import { HttpAdapterError, unreachableDetails, type HttpErrorDetails } from '../adapter-error.js';

export type HetznerErrorKind =
  /** 401: the token is missing, wrong or revoked. */
  | 'unauthorized'
  /** 403: the token is read-only or lacks the permission. */
  | 'forbidden'
  /** 429: the project's request budget is used up until `resetAt`. */
  | 'rate_limit_exceeded'
  | 'not_found'
  /** Any other error code Hetzner answered (`locked`, `service_error`, `invalid_input`, …). */
  | 'api_error'
  /** No answer (network, DNS, timeout). */
  | 'unreachable'
  /** An answer this adapter cannot read. */
  | 'bad_response';

export interface HetznerErrorDetails extends HttpErrorDetails<HetznerErrorKind> {
  /** Hetzner's own `error.code`, e.g. `rate_limit_exceeded`, `locked`. */
  code?: string;
  /** When the rate limit refills (epoch ms), from the `RateLimit-Reset` header. */
  resetAt?: number;
}

/**
 * Every failure of the Hetzner Cloud adapter; never carries the API token. Retryable: no
 * answer, a used-up rate limit (after `resetAt`) and Hetzner's own 5xx answers.
 */
export class HetznerError extends HttpAdapterError<HetznerErrorKind> {
  readonly code: string | undefined;
  readonly resetAt: number | undefined;

  constructor(details: HetznerErrorDetails) {
    const { kind, status } = details;
    const retryable =
      kind === 'unreachable' || kind === 'rate_limit_exceeded' || (status ?? 0) >= 500;
    super('hetzner', details, retryable);
    this.name = 'HetznerError';
    this.code = details.code;
    this.resetAt = details.resetAt;
  }
}

export function isHetznerError(err: unknown, kind?: HetznerErrorKind): err is HetznerError {
  return err instanceof HetznerError && (kind === undefined || err.kind === kind);
}

const MAX_TEXT = 500;

/** Hetzner answers errors as `{"error": {"code": "...", "message": "...", "details": {}}}`. */
function apiError(body: string): { code?: string; message?: string } {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    const code = parsed.error?.code;
    const message = parsed.error?.message;
    return {
      ...(typeof code === 'string' ? { code } : {}),
      ...(typeof message === 'string' ? { message: message.slice(0, MAX_TEXT) } : {}),
    };
  } catch {
    return {};
  }
}

/** Maps a non-2xx answer to a typed error with a sentence saying what to do. */
export function errorFromResponse(
  status: number,
  body: string,
  request: string,
  resetHeader: string | null,
): HetznerError {
  const { code, message } = apiError(body);
  const said = message ? `: ${message}` : '';
  const base = { status, request, ...(code ? { code } : {}) };
  if (status === 401 || code === 'unauthorized')
    return new HetznerError({
      ...base,
      kind: 'unauthorized',
      message: `Hetzner Cloud refused the API token for ${request} (401${said}). Set PRENV_HCLOUD_TOKEN (or HCLOUD_TOKEN) to a valid token of the project.`,
    });
  if (status === 403 || code === 'forbidden')
    return new HetznerError({
      ...base,
      kind: 'forbidden',
      message: `Hetzner Cloud does not allow ${request} with this token (403${said}). Use a "Read & Write" token of the project.`,
    });
  if (status === 429 || code === 'rate_limit_exceeded') {
    const reset = resetHeader === null ? NaN : Number(resetHeader) * 1000;
    const when = Number.isFinite(reset) ? ` at ${new Date(reset).toISOString()}` : ' later';
    return new HetznerError({
      ...base,
      kind: 'rate_limit_exceeded',
      ...(Number.isFinite(reset) ? { resetAt: reset } : {}),
      message: `Hetzner Cloud's API rate limit is used up (${request}, 429${said}); it refills${when}. Try again then.`,
    });
  }
  if (status === 404 || code === 'not_found')
    return new HetznerError({
      ...base,
      kind: 'not_found',
      message: `Hetzner Cloud has nothing at ${request} (404${said}).`,
    });
  return new HetznerError({
    ...base,
    kind: 'api_error',
    message: `Hetzner Cloud answered ${request} with HTTP ${status}${code ? ` ${code}` : ''}${said}.`,
  });
}

export function unreachableError(request: string, baseUrl: string, cause: unknown): HetznerError {
  return new HetznerError(
    unreachableDetails(
      request,
      cause,
      (reason) =>
        `Cannot reach the Hetzner Cloud API at ${baseUrl} for ${request} (${reason}). Check the network, or PRENV_HCLOUD_API_URL.`,
    ),
  );
}
