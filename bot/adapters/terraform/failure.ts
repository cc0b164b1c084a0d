import { AdapterError } from '../adapter-error.js';
import type { TfCommand } from './types.js';

/**
 * Why a Terraform run failed, as the user should read it. `message` says what happens
 * next or what to do; `detail` is Terraform's own (redacted) error summary.
 */
export type TerraformFailure =
  | { kind: 'resource_limit_exceeded'; message: string; detail: string }
  | {
      kind: 'server_type_unavailable';
      message: string;
      detail: string;
      serverType?: string;
      suggestedServerType: string;
    }
  | { kind: 'rate_limited'; message: string; detail: string }
  | {
      kind: 'state_locked';
      message: string;
      detail: string;
      lockId?: string;
      lockedBy?: string;
      operation?: string;
      lockedSince?: string;
    }
  | { kind: 'network'; message: string; detail: string }
  | { kind: 'timeout'; message: string; detail: string; timeoutMs: number }
  | { kind: 'cancelled'; message: string; detail: string }
  /** Ended by a signal prenv did not send (the OOM killer, an operator): it may have left a lock. */
  | { kind: 'killed'; message: string; detail: string; signal: string }
  | { kind: 'unknown'; message: string; detail: string };

export type TerraformFailureKind = TerraformFailure['kind'];

/** Failures a second run of the same command may get past: the network, Hetzner's rate limit. */
const RETRYABLE = new Set<TerraformFailureKind>(['network', 'rate_limited', 'timeout']);

/**
 * A failed Terraform command: the typed failure plus what ran and how it ended. `kind` is the
 * failure's, `operation` the command (`init`, `plan`, `apply`, …).
 */
export class TerraformError extends AdapterError<TerraformFailureKind> {
  readonly failure: TerraformFailure;
  readonly command: TfCommand;
  /** The argument list as run (it never holds variable values). */
  readonly args: readonly string[];
  readonly exitCode: number | undefined;
  /** The last part of stderr, redacted. */
  readonly stderrTail: string;

  constructor(input: {
    failure: TerraformFailure;
    command: TfCommand;
    args: readonly string[];
    exitCode: number | undefined;
    stderrTail: string;
  }) {
    super('terraform', {
      kind: input.failure.kind,
      message: input.failure.message,
      operation: input.command,
      retryable: RETRYABLE.has(input.failure.kind),
    });
    this.name = 'TerraformError';
    this.failure = input.failure;
    this.command = input.command;
    this.args = input.args;
    this.exitCode = input.exitCode;
    this.stderrTail = input.stderrTail;
  }
}

export function isTerraformError(e: unknown): e is TerraformError {
  return e instanceof TerraformError;
}
