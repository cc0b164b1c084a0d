/** The pull request as the bot needs it, translated from GitHub's payloads. */
export interface PullRequestRef {
  number: number;
  headSha: string;
  headRef: string;
  baseRef: string;
  title: string;
  author: string;
  draft: boolean;
  /** The head branch lives in another repository (or that repository was deleted). */
  fork: boolean;
  state: 'open' | 'closed';
  merged: boolean;
  /**
   * GitHub's `updated_at` of the pull request when this fact was read (ISO 8601 UTC); orders
   * deliveries that arrive out of order. Absent where the source does not say.
   */
  updatedAt?: string;
  /**
   * A time (GitHub's clock) by which `headSha` was already the head: the earliest `updatedAt`
   * of a fact that showed this head. A fork approval covers the head only if it is no later
   * than the comment. Kept by `mergePull`.
   */
  headSince?: string;
}

/**
 * Life cycle of environment `pr-N`:
 * absent → queued → provisioning → deploying → live → (redeploying → live) → destroying → absent,
 * plus `failed`. A slot is held from `provisioning` to the end of `destroying` (and while `failed`,
 * since a server may exist); `queued` holds none.
 */
export type Phase =
  | 'absent'
  | 'queued'
  | 'provisioning'
  | 'deploying'
  | 'live'
  | 'redeploying'
  | 'destroying'
  | 'failed';

export type RunKind = 'provision' | 'deploy' | 'redeploy' | 'destroy';

/** The one run in flight for an env; results for any other run id are stale and ignored. */
export interface RunRef {
  id: string;
  kind: RunKind;
  /** Commit being deployed (deploy/redeploy only). */
  sha: string | null;
  startedAt: number;
  /** The prenv command process carrying the run out; absent for the bot's runs. */
  owner?: RunOwner;
}

/**
 * Who carries out a run started by a `prenv` command, so a later command can tell a live
 * holder (refused) from one that is gone (its run is taken over).
 */
export interface RunOwner {
  host: string;
  pid: number;
  /** When the process started the run (epoch ms). */
  startedAt: number;
  /**
   * The process's start (Linux: /proc/<pid>/stat `starttime`, clock ticks after boot) and the
   * host's boot id, so a pid reused after the process died, or a reboot, reads as gone. Absent
   * off Linux and in runs an older prenv recorded.
   */
  start?: string;
  boot?: string;
}

export interface Failure {
  /** The run kind that failed; a retry repeats it. */
  stage: RunKind;
  /** Consecutive failures; reset by a success or a maintainer's retry. */
  attempts: number;
  lastError: string;
  failedAt: number;
  /** When the next automatic retry is due; null once retries are exhausted. */
  nextRetryAt: number | null;
}

/** Why an open, ready PR is kept without an environment until someone asks again. */
export interface ManualOverride {
  reason: 'destroy_command' | 'idle_ttl';
  by: string | null;
  at: number;
}

export interface QueueTicket {
  seq: number;
  enqueuedAt: number;
}

export type StepName = 'queue' | RunKind;

export interface StepRecord {
  step: StepName;
  sha: string | null;
  startedAt: number;
  endedAt: number | null;
  outcome: 'running' | 'succeeded' | 'failed' | 'cancelled';
}

export interface EnvRecord {
  pr: number;
  phase: Phase;
  pull: PullRequestRef;
  /** The commit the env should run: the head SHA, or for forks the SHA a maintainer approved. */
  desiredSha: string | null;
  deployedSha: string | null;
  /** For fork PRs: the head SHA a maintainer approved with `/deploy` or `/redeploy`. */
  approvedSha: string | null;
  /** FIFO order; kept while the env is started so a PR sent back to the queue keeps its place. */
  ticket: QueueTicket | null;
  run: RunRef | null;
  failure: Failure | null;
  manualOverride: ManualOverride | null;
  /** Steps of the current cycle (since the env last left `absent`), newest last. */
  steps: StepRecord[];
  updatedAt: number;
  /** Last push, open or command: the idle TTL counts from here. */
  lastActivityAt: number;
}

/** The long-lived environments a push to their branch deploys (`deploy_on_push`). */
export type ClusterEnvironment = 'production' | 'staging';

export const CLUSTER_ENVIRONMENTS: readonly ClusterEnvironment[] = ['production', 'staging'];

/** The newest commit pushed to an environment's branch that is not deployed yet. */
export interface PendingCommit {
  sha: string;
  branch: string;
  pushedAt: number;
  /** The commit's checks as last read; a deploy starts only on `success`. */
  checks: 'pending' | 'success' | 'failure';
  /** What the checks said (which ones wait or failed), for the deployment's description. */
  detail: string | null;
  /** When the checks were last asked for; null: not yet. */
  checkedAt: number | null;
}

/**
 * Deploys of production or staging on push. One runs at a time per environment; a newer push
 * replaces `next` (the superseded commit is never deployed), never the run in flight.
 */
export interface ClusterDeploy {
  environment: ClusterEnvironment;
  next: PendingCommit | null;
  run: { id: string; sha: string; startedAt: number } | null;
  deployedSha: string | null;
  lastError: string | null;
}

/** Everything the planner reads and writes: all envs, because slots are shared. */
export interface World {
  envs: Record<number, EnvRecord>;
  /** Production and staging deploys on push; they take no PR slot. Absent in older states. */
  deploys?: Partial<Record<ClusterEnvironment, ClusterDeploy>>;
  /** Counter for queue tickets and run ids, so plans are deterministic. */
  seq: number;
  /** Hetzner answered `resource_limit_exceeded`: start nothing new before this time. */
  capacityBlockedUntil: number | null;
}

export const PHASES: readonly Phase[] = [
  'absent',
  'queued',
  'provisioning',
  'deploying',
  'live',
  'redeploying',
  'destroying',
  'failed',
];

export function emptyWorld(): World {
  return { envs: {}, seq: 0, capacityBlockedUntil: null };
}

export function newEnv(pull: PullRequestRef, now: number): EnvRecord {
  return {
    pr: pull.number,
    phase: 'absent',
    pull,
    desiredSha: null,
    deployedSha: null,
    approvedSha: null,
    ticket: null,
    run: null,
    failure: null,
    manualOverride: null,
    steps: [],
    updatedAt: now,
    lastActivityAt: now,
  };
}

export function envName(pr: number): string {
  return `pr-${pr}`;
}

export function shortSha(sha: string | null): string | null {
  return sha === null ? null : sha.slice(0, 7);
}

/** A deep copy of one env record (all fields are plain data). */
export function cloneEnv(env: EnvRecord): EnvRecord {
  return {
    ...env,
    pull: { ...env.pull },
    ticket: env.ticket && { ...env.ticket },
    run: env.run && { ...env.run },
    failure: env.failure && { ...env.failure },
    manualOverride: env.manualOverride && { ...env.manualOverride },
    steps: env.steps.map((s) => ({ ...s })),
  };
}

export function cloneWorld(world: World): World {
  const envs: Record<number, EnvRecord> = {};
  for (const env of Object.values(world.envs)) envs[env.pr] = cloneEnv(env);
  if (!world.deploys) return { ...world, envs };
  const deploys: World['deploys'] = {};
  for (const d of Object.values(world.deploys)) {
    deploys[d.environment] = {
      ...d,
      next: d.next && { ...d.next },
      run: d.run && { ...d.run },
    };
  }
  return { ...world, envs, deploys };
}
