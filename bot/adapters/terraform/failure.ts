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

/** A failed Terraform command: the typed failure plus what ran and how it ended. */
export class TerraformError extends Error {
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
    super(input.failure.message);
    this.name = 'TerraformError';
    this.failure = input.failure;
    this.command = input.command;
    this.args = input.args;
    this.exitCode = input.exitCode;
    this.stderrTail = input.stderrTail;
  }

  get kind(): TerraformFailureKind {
    return this.failure.kind;
  }
}

export function isTerraformError(e: unknown): e is TerraformError {
  return e instanceof TerraformError;
}
