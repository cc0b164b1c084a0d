import { goDuration } from '../../config/go-duration.js';
import { stateKey } from './state-key.js';
import type { TfTarget } from './types.js';

/*
 * Command lines exactly as the Terraform CLI spells them. Variables only ever travel in a
 * `-var-file`, so no secret shows up in `ps`. `-input=false` is given to every command
 * that accepts it (`output` and `version` do not).
 */

const COMMON = ['-input=false', '-no-color'] as const;

export function versionArgs(): string[] {
  return ['version', '-json'];
}

/**
 * `backendConfig` holds the shared backend settings (files such as `backend.s3.hcl`, or
 * `name=value` pairs); the state key always comes last, so it wins. `lockFileCommitted`: the
 * configuration has a `.terraform.lock.hcl`, which `-lockfile=readonly` then checks and never
 * rewrites, so runs of several PRs sharing `environments/pr` cannot race on it and a provider
 * upgrade is always a reviewed change (`terraform init -upgrade` by hand). Without a lock file
 * Terraform refuses `-lockfile=readonly` ("Provider dependency changes detected"), so init
 * then records one (`prenv doctor` warns until it is committed).
 */
export function initArgs(
  target: TfTarget,
  backendConfig: readonly string[] = [],
  lockFileCommitted = true,
): string[] {
  return [
    'init',
    ...COMMON,
    '-reconfigure',
    ...(lockFileCommitted ? ['-lockfile=readonly'] : []),
    ...backendConfig.map((c) => `-backend-config=${c}`),
    `-backend-config=key=${stateKey(target)}`,
  ];
}

/** How long Terraform retries taking the state lock before it gives up, as a Go duration. */
const lockTimeout = (ms: number) => `-lock-timeout=${goDuration(ms)}`;

export function planArgs(varFile: string, lockTimeoutMs: number, out?: string): string[] {
  return [
    'plan',
    ...COMMON,
    '-json',
    '-detailed-exitcode',
    lockTimeout(lockTimeoutMs),
    `-var-file=${varFile}`,
    ...(out ? [`-out=${out}`] : []),
  ];
}

/**
 * `terraform apply` of a plan saved by `plan -out`: exactly the reviewed changes, or
 * Terraform's "Saved plan is stale" error when the state moved since. The variables are in
 * the plan file (Terraform refuses `-var-file` next to one).
 */
export function applySavedPlanArgs(planFile: string, lockTimeoutMs: number): string[] {
  return ['apply', ...COMMON, '-json', '-auto-approve', lockTimeout(lockTimeoutMs), planFile];
}

export function applyArgs(varFile: string, lockTimeoutMs: number): string[] {
  return [
    'apply',
    ...COMMON,
    '-json',
    '-auto-approve',
    lockTimeout(lockTimeoutMs),
    `-var-file=${varFile}`,
  ];
}

export function destroyArgs(varFile: string, lockTimeoutMs: number): string[] {
  return [
    'destroy',
    ...COMMON,
    '-json',
    '-auto-approve',
    lockTimeout(lockTimeoutMs),
    `-var-file=${varFile}`,
  ];
}

export function outputArgs(): string[] {
  return ['output', '-no-color', '-json'];
}

/**
 * Environment every Terraform run gets on top of the caller's. A PR run also gets its own
 * provider plugin cache inside its data directory: Terraform documents the shared plugin
 * cache as unsafe for concurrent `init`s, and `TF_PLUGIN_CACHE_DIR` overrides a
 * `plugin_cache_dir` of the operator's CLI configuration. Both paths are relative to the root
 * module, Terraform's working directory.
 */
export function automationEnv(dataDirectory: string, pr: boolean): Record<string, string> {
  return {
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    TF_DATA_DIR: dataDirectory,
    ...(pr ? { TF_PLUGIN_CACHE_DIR: `${dataDirectory}/plugin-cache` } : {}),
  };
}

/** Plan's `-detailed-exitcode`: 0 = no changes, 2 = changes, anything else = failure. */
export function planExitMeaning(exitCode: number): 'no_changes' | 'changes' | 'failed' {
  if (exitCode === 0) return 'no_changes';
  if (exitCode === 2) return 'changes';
  return 'failed';
}
