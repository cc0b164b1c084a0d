import type { Action } from '../core/actions.js';
import { retriesLeft, retryDelay, type RetryPolicy } from '../core/backoff.js';
import { renderSticky, stickyMarker } from '../core/comment.js';
import type { Logger } from '../core/logger.js';
import { envName } from '../core/model.js';
import type { GitHubPort } from '../adapters/github/github-port.js';
import { DeploymentWriter } from './deployment-writer.js';

type ReportAction = Extract<Action, { kind: 'report' | 'react' | 'reply' | 'mark_deployment' }>;

export function isReportAction(action: Action): action is ReportAction {
  return (
    action.kind === 'report' ||
    action.kind === 'react' ||
    action.kind === 'reply' ||
    action.kind === 'mark_deployment'
  );
}

export interface GitHubReporterOptions {
  github: GitHubPort;
  logger: Logger;
  /**
   * Least time between two sticky-comment edits of a PR that only move its queue position (ms).
   * Any other change of the comment is written as soon as the PR's previous write is done.
   */
  queueEditDebounceMs: number;
  /**
   * How a sticky comment or deployment state whose write failed (after Octokit's own retries)
   * is written again, unless a newer state replaces it first. Default `REPORT_RETRY`.
   */
  retry?: RetryPolicy;
  clock?: () => number;
  /**
   * The dashboard's page of an environment's runs (`pr-7`, `production`), or with `runId` of
   * that one run: the sticky comment links the environment's, each deployment status
   * (`log_url`) the run it is about (the environment's when it is about none).
   */
  logsUrl?: (environment: string, runId?: string) => string;
  /** What each new deployment of a PR carries as its `payload`. */
  deploymentPayload?: (pr: number) => Record<string, unknown>;
}

interface Job {
  action: ReportAction;
  /** Not written before this time (epoch ms); 0: at once. */
  notBefore: number;
  /** Failed writes of this job so far. */
  failures?: number;
}

interface Lane {
  jobs: Job[];
  busy: boolean;
  timer: ReturnType<typeof setTimeout> | null;
  /** Phase of the newest sticky report given for this PR. */
  stickyPhase: string | null;
  lastStickyWriteAt: number;
}

/** Default debounce of queue-position edits: GitHub asks integrators to keep content writes slow. */
export const DEFAULT_QUEUE_EDIT_DEBOUNCE_MS = 10_000;

/**
 * 6 writes over about 5 minutes (10 s doubling, at most 2 min apart, each wait up to a fifth
 * shorter at random): a GitHub outage passes.
 */
export const REPORT_RETRY: RetryPolicy = {
  baseMs: 10_000,
  maxMs: 2 * 60_000,
  maxAttempts: 6,
  jitter: 0.2,
};

/**
 * Carries the planner's reporting actions to GitHub off the engine's critical path: `submit`
 * never waits. Per PR, writes go out one at a time and coalesce while they wait: the newest
 * sticky comment replaces an older one not yet written, the newest deployment state of an
 * environment replaces older ones (an `inactive` drops everything before it), and an edit that
 * only moves the PR's queue position waits `queueEditDebounceMs` after the previous sticky
 * write. Reactions and replies are written once each, in order. Failures are logged, never
 * thrown: a PR comment that could not be written must not undo a deploy.
 */
export class GitHubReporter {
  /** Writes of a PR share its lane; production's and staging's deployments have their own. */
  private readonly lanes = new Map<number | string, Lane>();
  private readonly deployments: DeploymentWriter;
  private readonly clock: () => number;
  private readonly waiters = new Set<() => void>();
  private writes = 0;

  constructor(private readonly options: GitHubReporterOptions) {
    this.deployments = new DeploymentWriter(
      options.github,
      options.logsUrl,
      options.deploymentPayload,
    );
    this.clock = options.clock ?? Date.now;
  }

  /** See `DeploymentWriter.recover`. */
  recover(environments: Iterable<string>): void {
    this.deployments.recover(environments);
  }

  /** GitHub writes started so far (comments, reactions, deployment statuses). */
  get writeCount(): number {
    return this.writes;
  }

  /**
   * Queues one action. `deferMs` holds a sticky comment or deployment state back that long (a
   * newer state is known to be coming: the PR's close is already received) so it can be replaced.
   */
  submit(action: ReportAction, deferMs = 0): void {
    const key = laneOf(action);
    const lane = this.lane(key);
    const now = this.clock();
    const deferred = deferMs > 0 ? now + deferMs : 0;
    if (action.kind === 'report') {
      const phase = action.view.env.phase;
      const positionOnly = phase === 'queued' && lane.stickyPhase === 'queued';
      lane.stickyPhase = phase;
      lane.jobs = lane.jobs.filter((j) => j.action.kind !== 'report');
      const debounced = positionOnly
        ? lane.lastStickyWriteAt + this.options.queueEditDebounceMs
        : 0;
      lane.jobs.push({ action, notBefore: Math.max(debounced, deferred) });
    } else if (action.kind === 'mark_deployment') {
      lane.jobs = lane.jobs.filter((j) => !supersedes(action, j.action));
      lane.jobs.push({ action, notBefore: deferred });
    } else {
      lane.jobs.push({ action, notBefore: 0 });
    }
    this.pump(key, lane);
  }

  /** Resolves when nothing is being written and nothing is due (debounced edits may wait). */
  async idle(): Promise<void> {
    while (!this.settled(false)) await new Promise<void>((r) => this.waiters.add(r));
  }

  /** Writes everything still waiting, debounced edits included, and resolves when done. */
  async flush(): Promise<void> {
    for (const [pr, lane] of this.lanes) {
      for (const job of lane.jobs) job.notBefore = 0;
      this.pump(pr, lane);
    }
    while (!this.settled(true)) await new Promise<void>((r) => this.waiters.add(r));
  }

  private settled(includeDebounced: boolean): boolean {
    const now = this.clock();
    for (const lane of this.lanes.values()) {
      if (lane.busy) return false;
      if (lane.jobs.some((j) => includeDebounced || j.notBefore <= now)) return false;
    }
    return true;
  }

  private lane(key: number | string): Lane {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { jobs: [], busy: false, timer: null, stickyPhase: null, lastStickyWriteAt: 0 };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private pump(pr: number | string, lane: Lane): void {
    if (lane.busy) return;
    if (lane.timer) clearTimeout(lane.timer);
    lane.timer = null;
    const now = this.clock();
    const index = lane.jobs.findIndex((j, i) => j.notBefore <= now && !heldBack(lane.jobs, i));
    if (index < 0) {
      if (lane.jobs.length === 0) {
        if (lane.stickyPhase === null || lane.stickyPhase === 'absent') this.lanes.delete(pr);
      } else {
        const due = Math.min(...lane.jobs.map((j) => j.notBefore));
        lane.timer = setTimeout(() => this.pump(pr, lane), due - now);
        lane.timer.unref?.();
      }
      return this.wake();
    }
    const [job] = lane.jobs.splice(index, 1);
    lane.busy = true;
    this.writes++;
    void this.write(job!.action).then((ok) => {
      if (job!.action.kind === 'report') lane.lastStickyWriteAt = this.clock();
      if (!ok) this.again(lane, job!);
      lane.busy = false;
      this.pump(pr, lane);
    });
  }

  private wake(): void {
    for (const w of this.waiters) w();
    this.waiters.clear();
  }

  /**
   * A sticky comment or deployment state that could not be written goes back to the head of its
   * lane (it is older than anything waiting there) to be tried again later, unless a waiting
   * newer state already replaces it or its attempts are spent. Reactions and replies are not
   * repeated: one that reached GitHub before the error would be written twice.
   */
  private again(lane: Lane, job: Job): void {
    const { action } = job;
    if (action.kind !== 'report' && action.kind !== 'mark_deployment') return;
    const policy = this.options.retry ?? REPORT_RETRY;
    const failures = (job.failures ?? 0) + 1;
    const replaced = lane.jobs.some((j) =>
      action.kind === 'report' ? j.action.kind === 'report' : supersedes(j.action, action),
    );
    if (replaced || !retriesLeft(failures, policy)) {
      if (!replaced)
        this.options.logger.error('GitHub report given up', { pr: action.pr, action: action.kind });
      return;
    }
    lane.jobs.unshift({ action, notBefore: this.clock() + retryDelay(failures, policy), failures });
  }

  /** Writes one action; false when GitHub refused it (logged). */
  private async write(action: ReportAction): Promise<boolean> {
    try {
      switch (action.kind) {
        case 'react':
          await this.options.github.react(action.commentId, action.reaction);
          break;
        case 'reply':
          await this.options.github.reply(action.pr, action.body);
          break;
        case 'report':
          await this.options.github.upsertStickyComment(
            action.pr,
            stickyMarker(action.pr),
            withLogsLink(renderSticky(action.view), this.options.logsUrl?.(envName(action.pr))),
          );
          break;
        case 'mark_deployment':
          await this.deployments.write(action);
          break;
      }
      return true;
    } catch (err) {
      this.options.logger.warn('GitHub report failed', {
        pr: action.pr,
        action: action.kind,
        error: (err as Error).message,
      });
      return false;
    }
  }
}

function laneOf(action: ReportAction): number | string {
  return action.pr ?? (action as Extract<ReportAction, { kind: 'mark_deployment' }>).environment;
}

/**
 * Whether the job at `index` must wait for an older deployment state of its environment that
 * waits to be written again: deployment states of one environment reach GitHub in order (an
 * `inactive` written late would retire the newer deployment).
 */
function heldBack(jobs: Job[], index: number): boolean {
  const { action } = jobs[index]!;
  if (action.kind !== 'mark_deployment') return false;
  return jobs
    .slice(0, index)
    .some(
      (j) =>
        j.failures !== undefined &&
        j.action.kind === 'mark_deployment' &&
        j.action.environment === action.environment,
    );
}

/** Whether a waiting write `old` is made pointless by the newer deployment state `next`. */
function supersedes(next: ReportAction, old: ReportAction): boolean {
  if (next.kind !== 'mark_deployment' || old.kind !== 'mark_deployment') return false;
  if (old.environment !== next.environment) return false;
  return next.state === 'inactive' || old.state !== 'inactive';
}

/** The sticky comment with a last line linking the run output; unchanged without a URL. */
function withLogsLink(body: string, url: string | undefined): string {
  return url ? `${body}\n[Logs](${encodeURI(url)})\n` : body;
}
