import { HttpAdapterError, type HttpErrorDetails } from '../adapter-error.js';

export type NomadErrorKind =
  'unreachable' | 'not_found' | 'conflict' | 'not_owned' | 'bad_request' | 'forbidden' | 'server';

export interface NomadErrorDetails extends HttpErrorDetails<NomadErrorKind> {
  /** Nomad's own error text, trimmed. */
  nomadText?: string;
  /** For `conflict`: the JobModifyIndex Nomad holds, when its message gives it. */
  currentIndex?: number;
}

/**
 * Every failure of the Nomad adapter surfaces as this one error type. Retryable: no answer and
 * server errors; a validation error Nomad also answers with 500 is a `bad_request`.
 */
export class NomadError extends HttpAdapterError<NomadErrorKind> {
  readonly nomadText: string | undefined;
  readonly currentIndex: number | undefined;

  constructor(details: NomadErrorDetails) {
    super('nomad', details, details.kind === 'unreachable' || details.kind === 'server');
    this.name = 'NomadError';
    this.nomadText = details.nomadText;
    this.currentIndex = details.currentIndex;
  }
}

export function isNomadError(err: unknown, kind?: NomadErrorKind): err is NomadError {
  return err instanceof NomadError && (kind === undefined || err.kind === kind);
}

/** nomad/structs: RegisterEnforceIndexErrPrefix; Nomad answers these with HTTP 500. */
const ENFORCE_INDEX_PREFIX = 'Enforcing job modify index';

/**
 * Job validation failures also come back as HTTP 500 (a multierror, "1 error occurred:").
 * They are the caller's fault and retrying cannot help, so they count as bad requests.
 */
const VALIDATION_500 = [/\d+ errors? occurred:/, /validation failed/i];

const MAX_TEXT = 2000;

/**
 * Maps a non-2xx answer from Nomad to a typed error. `origin` (the address asked) is named when
 * the answer is not Nomad's: Nomad's 404s carry a text ("job not found", nomad/command/agent
 * CodedError), so an empty or HTML body comes from another service at that address.
 */
export function errorFromResponse(
  status: number,
  body: string,
  request: string,
  origin?: string,
): NomadError {
  const text = body.trim().slice(0, MAX_TEXT);
  const base = { status, request, nomadText: text };
  if (status === 404 && (text === '' || text.startsWith('<'))) {
    return new NomadError({
      ...base,
      kind: 'not_found',
      message: `${origin ?? 'Nomad'} answered ${request} with 404 and ${text === '' ? 'an empty body' : 'an HTML page'}, not Nomad's answer: is PRENV_NOMAD_ADDR (PRENV_STAGING_NOMAD_ADDR for staging) pointing at Nomad's HTTP API (port 4646)?`,
    });
  }
  if (text.startsWith(ENFORCE_INDEX_PREFIX)) {
    const current = /conflicting job modify index: (\d+)/.exec(text);
    return new NomadError({
      ...base,
      kind: 'conflict',
      message: `Nomad refused ${request}: the job changed since it was read (${text}). Read the job again and re-plan before registering.`,
      currentIndex: current ? Number(current[1]) : undefined,
    });
  }
  if (status === 404) {
    return new NomadError({
      ...base,
      kind: 'not_found',
      message: `Nomad has no such object for ${request}: ${text}`,
    });
  }
  if (status === 401 || status === 403) {
    return new NomadError({
      ...base,
      kind: 'forbidden',
      message: `Nomad refused ${request} (${status} ${text}). Check that the Nomad ACL token (PRENV_NOMAD_TOKEN; PRENV_STAGING_NOMAD_TOKEN for staging) is set and has the policy terraform/acl/nomad/deployer.hcl (README, "Deploying for real", step 2).`,
    });
  }
  if (status >= 400 && status < 500) {
    return new NomadError({
      ...base,
      kind: 'bad_request',
      message: `Nomad rejected ${request}: ${text}`,
    });
  }
  if (VALIDATION_500.some((re) => re.test(text))) {
    return new NomadError({
      ...base,
      kind: 'bad_request',
      message: `Nomad rejected ${request}: ${text}`,
    });
  }
  return new NomadError({
    ...base,
    kind: 'server',
    message: `Nomad failed on ${request} (HTTP ${status}): ${text || 'no message'}`,
  });
}

export function unreachableError(request: string, baseUrl: string, cause: unknown): NomadError {
  const reason =
    cause instanceof Error && cause.name === 'TimeoutError'
      ? 'no answer before the request timed out'
      : cause instanceof Error
        ? (causeCode(cause) ?? cause.message)
        : String(cause);
  return new NomadError({
    kind: 'unreachable',
    request,
    cause,
    message: `Cannot reach Nomad at ${baseUrl} for ${request} (${reason}). Check PRENV_NOMAD_ADDR (PRENV_STAGING_NOMAD_ADDR for staging) and that the Nomad servers are up.`,
  });
}

function causeCode(err: Error): string | undefined {
  const cause = (err as { cause?: unknown }).cause;
  if (cause && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'string') {
    return cause.code;
  }
  return undefined;
}

/** Whether a failed attempt may be tried again. */
export function isRetryable(err: NomadError): boolean {
  return err.retryable;
}
