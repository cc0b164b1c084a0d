import type { Action } from './actions.js';
import type { RetryPolicy } from './backoff.js';
import { DEFAULT_RETRY } from './backoff.js';
import type { ClusterEnvironment, RunOwner, World } from './model.js';
import { DEFAULT_CAP } from './slots.js';

export interface PlanContext {
  /** Milliseconds since the epoch; the only clock the planner knows. */
  now: number;
  /** Most envs holding a slot at once (`previews.max`). */
  cap: number;
  /** `never`: forks are never deployed, not even on a maintainer's `/deploy`. */
  forks: 'maintainer-deploy-only' | 'never';
  /** Idle time after which a live or failed env of an open PR is destroyed; null: never. */
  ttlMs: number | null;
  retry: RetryPolicy;
  /** How long to wait before trying to start envs again after Hetzner's server limit. */
  capacityRetryMs: number;
  /** Public URL of env `pr-N`. */
  previewUrl: (pr: number) => string;
  /**
   * Queued PRs that must not take a slot now because a close, draft or `/destroy` for them is
   * already received (see `lookAhead`); the next PR in the queue starts instead.
   */
  held?: ReadonlySet<number>;
  /** Production and staging deploys on push (`deploy_on_push`); absent: pushes change nothing. */
  deployOnPush?: DeployOnPush;
  /** The prenv command process planning: runs it starts record it as their owner. */
  runner?: RunOwner;
}

export interface DeployOnPush {
  /** The branch that deploys production; null: the repository's default branch; false: none. */
  production: string | null | false;
  staging: string | false;
  /** Names of the check runs and commit statuses that must succeed; null: every one reported. */
  checks: string[] | null;
  /** How long a pushed commit may wait for its checks before its deploy is reported failed (ms). */
  checksTimeoutMs: number;
  /** Least time between two reads of a pending commit's checks on ticks (ms). */
  checkEveryMs: number;
  /** Public URL of production or staging (GitHub's `environment_url`). */
  url: (environment: ClusterEnvironment) => string;
}

export type PlanContextInput = Pick<PlanContext, 'now' | 'previewUrl'> & Partial<PlanContext>;

export function planContext(input: PlanContextInput): PlanContext {
  return {
    cap: DEFAULT_CAP,
    forks: 'maintainer-deploy-only',
    ttlMs: null,
    retry: DEFAULT_RETRY,
    capacityRetryMs: 10 * 60_000,
    ...input,
  };
}

/** The working copy one `plan` call mutates; the caller's world is never touched. */
export interface Draft {
  world: World;
  ctx: PlanContext;
  actions: Action[];
  /** PRs whose sticky comment must be refreshed at the end of this plan. */
  dirty: Set<number>;
}
