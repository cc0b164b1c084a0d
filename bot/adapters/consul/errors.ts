export type ConsulErrorKind =
  'unreachable' | 'forbidden' | 'not_found' | 'bad_request' | 'server' | 'bad_response';

export interface ConsulErrorDetails {
  kind: ConsulErrorKind;
  message: string;
  status?: number;
  /** What was asked, as "METHOD /v1/path" (no query string, never a token). */
  request?: string;
  /** Consul's own error text. */
  consulText?: string;
}

/** Every failure of the Consul adapter surfaces as this one error type. */
export class ConsulError extends Error {
  readonly kind: ConsulErrorKind;
  readonly status: number | undefined;
  readonly request: string | undefined;
  readonly consulText: string | undefined;

  constructor(details: ConsulErrorDetails) {
    super(details.message);
    this.name = 'ConsulError';
    this.kind = details.kind;
    this.status = details.status;
    this.request = details.request;
    this.consulText = details.consulText;
  }
}

export function isConsulError(err: unknown, kind?: ConsulErrorKind): err is ConsulError {
  return err instanceof ConsulError && (kind === undefined || err.kind === kind);
}

const MAX_TEXT = 2000;

/** Consul answers errors as plain text ("Permission denied", "invalid session"). */
export function errorFromResponse(status: number, body: string, request: string): ConsulError {
  const consulText = body.trim().slice(0, MAX_TEXT);
  const base = { status, request, consulText };
  if (status === 401 || status === 403) {
    return new ConsulError({
      ...base,
      kind: 'forbidden',
      message:
        `Consul refused ${request} (${status} ${consulText}). Check that the Consul ACL token ` +
        '(PRENV_CONSUL_TOKEN; PRENV_STAGING_CONSUL_TOKEN for staging) is set and that its ' +
        'policy allows this key, session or service (the bot and CI: terraform/acl/consul/bot.hcl; ' +
        'README, "Deploying for real", step 2).',
    });
  }
  if (status === 404) {
    return new ConsulError({
      ...base,
      kind: 'not_found',
      message: `Consul has no such object for ${request}${consulText ? `: ${consulText}` : ''}.`,
    });
  }
  if (status >= 400 && status < 500) {
    return new ConsulError({
      ...base,
      kind: 'bad_request',
      message: `Consul rejected ${request}: ${consulText || `HTTP ${status}`}`,
    });
  }
  return new ConsulError({
    ...base,
    kind: 'server',
    message: `Consul failed on ${request} (HTTP ${status}): ${consulText || 'no message'}`,
  });
}

export function unreachableError(request: string, baseUrl: string, cause: unknown): ConsulError {
  const code = (cause as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  const reason =
    typeof code === 'string' ? code : cause instanceof Error ? cause.message : String(cause);
  return new ConsulError({
    kind: 'unreachable',
    request,
    message:
      `Cannot reach Consul at ${baseUrl} for ${request} (${reason}). ` +
      'Check PRENV_CONSUL_ADDR (PRENV_STAGING_CONSUL_ADDR for staging) and that the local ' +
      'Consul agent is running.',
  });
}
