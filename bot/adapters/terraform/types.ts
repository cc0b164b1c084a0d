export type TfEnvironment = 'production' | 'staging' | 'pr';

/** Which Terraform root module to run and which state it works on. */
export interface TfTarget {
  environment: TfEnvironment;
  /** PR number; required when `environment` is `pr`. */
  pr?: number;
  /** Root module directory, e.g. `terraform/environments/pr`. */
  dir: string;
}

/** Values for the root module's variables (written to a `-var-file`, never to argv). */
export type TfVars = Record<string, unknown>;

export type TfCommand = 'version' | 'init' | 'plan' | 'apply' | 'destroy' | 'output';

export interface ChangeCounts {
  add: number;
  change: number;
  destroy: number;
}

export type ProgressType =
  | 'version'
  | 'log'
  | 'diagnostic'
  | 'resource_drift'
  | 'planned_change'
  | 'change_summary'
  | 'outputs'
  | 'apply_start'
  | 'apply_progress'
  | 'apply_complete'
  | 'apply_errored'
  | 'provision_start'
  | 'provision_progress'
  | 'provision_complete'
  | 'provision_errored'
  | 'refresh_start'
  | 'refresh_complete'
  | 'other';

/** One line of Terraform's machine-readable UI, reduced to what prenv shows. Always redacted. */
export interface ProgressEvent {
  type: ProgressType;
  level: 'info' | 'warn' | 'error';
  message: string;
  timestamp?: string;
  /** Resource address, e.g. `hcloud_server.preview`. */
  resource?: string;
  action?: string;
  elapsedSeconds?: number;
  changes?: ChangeCounts & { operation: string };
  diagnostic?: { severity: string; summary: string; detail: string; address?: string };
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Stop the command (SIGINT, then SIGKILL after the grace period) after this long. */
  timeoutMs?: number;
  onProgress?: (event: ProgressEvent) => void;
  /** Extra secret values to redact, on top of the runner's own list. */
  secrets?: string[];
}

export interface PlanSummary {
  hasChanges: boolean;
  changes: ChangeCounts;
  /** The plan's resource changes (Terraform's `planned_change` lines), in order. */
  resourceChanges: { address: string; action: string }[];
}

export interface ApplySummary {
  changes: ChangeCounts;
  outputs: Record<string, unknown>;
}

export interface TerraformRunner {
  version(opts?: RunOptions): Promise<string>;
  init(target: TfTarget, opts?: RunOptions): Promise<void>;
  /** `out`: where to save the plan (`-out`) for `applySaved`; it holds the variables, secrets included. */
  plan(target: TfTarget, vars: TfVars, opts?: RunOptions & { out?: string }): Promise<PlanSummary>;
  apply(target: TfTarget, vars: TfVars, opts?: RunOptions): Promise<ApplySummary>;
  /** Applies a plan saved by `plan` with `out`; `vars` are those it was made with, for redaction. */
  applySaved(
    target: TfTarget,
    planFile: string,
    vars: TfVars,
    opts?: RunOptions,
  ): Promise<ApplySummary>;
  destroy(target: TfTarget, vars: TfVars, opts?: RunOptions): Promise<ChangeCounts>;
  output(target: TfTarget, opts?: RunOptions): Promise<Record<string, unknown>>;
}
