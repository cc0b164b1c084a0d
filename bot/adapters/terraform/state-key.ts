import type { TfTarget } from './types.js';

const STATE_PREFIX = 'prenv';

function prNumber(target: TfTarget): number {
  const n = target.pr;
  if (n === undefined || !Number.isSafeInteger(n) || n <= 0) {
    throw new Error(`A pr target needs a positive integer PR number, got ${String(n)}`);
  }
  return n;
}

/**
 * The backend state key of a target: one S3 object per PR (`prenv/pr/<n>.tfstate`),
 * and one each for production and staging (`prenv/<env>.tfstate`).
 */
export function stateKey(target: TfTarget): string {
  if (target.environment === 'pr') return `${STATE_PREFIX}/pr/${prNumber(target)}.tfstate`;
  return `${STATE_PREFIX}/${target.environment}.tfstate`;
}

/**
 * Terraform's working data directory (`TF_DATA_DIR`, relative to the root module) for a
 * target. Every PR shares `terraform/environments/pr`; a data directory per PR keeps
 * their backend settings apart, so concurrent runs for two PRs do not overwrite each
 * other's `init`.
 */
export function dataDir(target: TfTarget): string {
  if (target.environment === 'pr') return `.terraform-pr-${prNumber(target)}`;
  return '.terraform';
}

/** Short name used in logs and messages: `pr-7`, `production`. */
export function targetName(target: TfTarget): string {
  return target.environment === 'pr' ? `pr-${prNumber(target)}` : target.environment;
}
