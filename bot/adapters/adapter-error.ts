/** The adapters whose failures share `AdapterError`. */
export type AdapterName = 'caddy' | 'consul' | 'hetzner' | 'nomad' | 'terraform';

export interface AdapterErrorInit<Kind extends string> {
  kind: Kind;
  /** A sentence for the user: what failed and what to do; never a token. */
  message: string;
  /** What was asked: "METHOD /path" for an HTTP API, the command for Terraform. */
  operation?: string;
  /** Whether sending the same operation again, unchanged, may succeed (an outage, a limit). */
  retryable: boolean;
  /** The library or network error behind it (kept off `JSON.stringify`, like `Error.cause`). */
  cause?: unknown;
}

/**
 * The base of every adapter's typed error (`CaddyError`, `ConsulError`, `HetznerError`,
 * `NomadError`, `TerraformError`): callers can tell which adapter failed, on what, and whether
 * trying again may help, without knowing each adapter's kinds. Each subclass keeps its own
 * `kind` union and the details its service gives.
 */
export class AdapterError<Kind extends string = string> extends Error {
  readonly adapter: AdapterName;
  readonly kind: Kind;
  readonly operation: string | undefined;
  readonly retryable: boolean;

  constructor(adapter: AdapterName, init: AdapterErrorInit<Kind>) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.adapter = adapter;
    this.kind = init.kind;
    this.operation = init.operation;
    this.retryable = init.retryable;
  }
}

export function isAdapterError(err: unknown): err is AdapterError {
  return err instanceof AdapterError;
}

/** What an HTTP API adapter's error adds: the request and the status, when there was an answer. */
export interface HttpErrorDetails<Kind extends string> {
  kind: Kind;
  message: string;
  status?: number;
  /** What was asked, as "METHOD /path" (no query string, never a token). */
  request?: string;
  cause?: unknown;
}

/** An `AdapterError` of an HTTP API (Caddy admin, Consul, Hetzner Cloud, Nomad). */
export class HttpAdapterError<Kind extends string = string> extends AdapterError<Kind> {
  readonly status: number | undefined;
  /** The same as `operation`: "METHOD /path". */
  readonly request: string | undefined;

  constructor(adapter: AdapterName, details: HttpErrorDetails<Kind>, retryable: boolean) {
    super(adapter, {
      kind: details.kind,
      message: details.message,
      operation: details.request,
      retryable,
      cause: details.cause,
    });
    this.status = details.status;
    this.request = details.request;
  }
}

/**
 * The details of an `unreachable` error for a fetch that threw `cause`; `explain` turns the
 * short reason (undici's `cause.code` such as ECONNREFUSED, else the message) into the
 * sentence for the user.
 */
export function unreachableDetails(
  request: string,
  cause: unknown,
  explain: (reason: string) => string,
): HttpErrorDetails<'unreachable'> {
  const code = (cause as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  const reason =
    typeof code === 'string' ? code : cause instanceof Error ? cause.message : String(cause);
  return { kind: 'unreachable', request, cause, message: explain(reason) };
}
