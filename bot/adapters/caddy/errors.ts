import { HttpAdapterError, unreachableDetails, type HttpErrorDetails } from '../adapter-error.js';

export type CaddyErrorKind =
  /** No answer from the admin endpoint. */
  | 'unreachable'
  /** `/id/<id>` named an object Caddy does not have. */
  | 'unknown_id'
  /** The config or path changed between our read and our write (If-Match). */
  | 'conflict'
  /** Caddy refused the change: bad config, bad path, missing server. */
  | 'rejected'
  /** Caddy answered something this adapter cannot read. */
  | 'bad_response';

export interface CaddyErrorDetails extends HttpErrorDetails<CaddyErrorKind> {
  /** Caddy's own error text. */
  caddyText?: string;
}

/**
 * Every failure of the Caddy admin adapter surfaces as this one error type. Only `unreachable`
 * is worth sending again as it was; a `conflict` needs a fresh read first.
 */
export class CaddyError extends HttpAdapterError<CaddyErrorKind> {
  readonly caddyText: string | undefined;

  constructor(details: CaddyErrorDetails) {
    super('caddy', details, details.kind === 'unreachable');
    this.name = 'CaddyError';
    this.caddyText = details.caddyText;
  }
}

export function isCaddyError(err: unknown, kind?: CaddyErrorKind): err is CaddyError {
  return err instanceof CaddyError && (kind === undefined || err.kind === kind);
}

const MAX_TEXT = 2000;

/** Caddy's admin API answers errors as `{"error": "..."}`. */
function caddyMessage(body: string): string {
  const text = body.trim();
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && 'error' in parsed) {
      return String(parsed.error).slice(0, MAX_TEXT);
    }
  } catch {
    // Not JSON: keep the raw text.
  }
  return text.slice(0, MAX_TEXT);
}

/** Maps a non-2xx answer of the admin API to a typed error. */
export function errorFromResponse(status: number, body: string, request: string): CaddyError {
  const caddyText = caddyMessage(body);
  const base = { status, request, caddyText };
  if (status === 404 && caddyText.startsWith('unknown object ID')) {
    return new CaddyError({
      ...base,
      kind: 'unknown_id',
      message: `Caddy has no object for ${request} (${caddyText}).`,
    });
  }
  if (status === 412) {
    return new CaddyError({
      ...base,
      kind: 'conflict',
      message: `Caddy's config changed while ${request} was prepared (${caddyText}); read it again and retry.`,
    });
  }
  return new CaddyError({
    ...base,
    kind: 'rejected',
    message: `Caddy rejected ${request} (HTTP ${status}): ${caddyText || 'no message'}`,
  });
}

export function unreachableError(request: string, baseUrl: string, cause: unknown): CaddyError {
  return new CaddyError(
    unreachableDetails(
      request,
      cause,
      (reason) =>
        `Cannot reach Caddy's admin API at ${baseUrl} for ${request} (${reason}). ` +
        'Check that Caddy runs and that its `admin.listen` address matches PRENV_CADDY_ADMIN ' +
        '(PRENV_STAGING_CADDY_ADMIN for staging).',
    ),
  );
}
