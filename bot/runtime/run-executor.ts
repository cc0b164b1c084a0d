import {
  isRunAction,
  type Action,
  type EnvironmentRunFinishedEvent,
  type RunAction,
  type RunFinishedEvent,
} from '../core/actions.js';
import { realSleep } from '../adapters/retry.js';
import type { Logger } from '../core/logger.js';
import type { MetricsRecorder } from '../core/metrics.js';
import { redact } from '../core/redact.js';
import { complete, emptyWorkQueue, submit, takeReady, type WorkQueue } from '../core/workqueue.js';
import { isAbort, isAtCapacity, type EnvironmentOps } from './environment-ops.js';

export interface RunExecutorOptions {
  ops: EnvironmentOps;
  logger: Logger;
  secrets: string[];
  /** Called once per run when it ends, whatever the outcome. */
  onFinished: (event: RunFinishedEvent) => void;
  /**
   * How long a deploy or redeploy waits before it starts, so that a burst of pushes coalesces
   * into one deploy of the newest commit.
   */
  settleMs?: number;
  /**
   * Asked right before a run spends anything: a reason to wait (a close or a newer push for its
   * PR is already received), or null to go. A held run asks again every `holdRecheckMs` until
   * it may start, is cancelled (the received event supersedes it) or `maxHoldMs` passed.
   */
  holdReason?: (run: RunAction) => Promise<string | null>;
  holdRecheckMs?: number;
  maxHoldMs?: number;
  /** Times each run by kind and outcome. */
  metrics?: MetricsRecorder;
  /** Sees each run start, its step lines and its end (the dashboard's run pages). */
  observer?: RunObserver;
}

/** A run as an observer sees it start: a PR's run, or production's or staging's deploy on push. */
export type ObservedRun = RunAction | Extract<Action, { kind: 'deploy_environment' }>;

/** Follows runs as they happen; lines are given as the run wrote them (not yet redacted). */
export interface RunObserver {
  started(run: ObservedRun): void;
  /** `note`: the line is detail under the step before it, not a step of its own. */
  line(runId: string, text: string, note?: 'note'): void;
  finished(
    runId: string,
    outcome: RunFinishedEvent['outcome'] | EnvironmentRunFinishedEvent['outcome'],
    error?: string,
  ): void;
}

/** How often runs waited for received events, and for how long in all (ms). */
export interface HoldStats {
  held: number;
  heldMs: number;
}

/** Runs the planner's run actions, one at a time per PR, and reports how each ended. */
export class RunExecutor {
  private queue: WorkQueue = emptyWorkQueue();
  private readonly controllers = new Map<string, AbortController>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly staged = new Map<
    number,
    { action: RunAction; timer: ReturnType<typeof setTimeout> }
  >();

  readonly holds: HoldStats = { held: 0, heldMs: 0 };
  /** Set by `stop`: runs submitted later end cancelled, with this as their error. */
  private stopReason: string | null = null;

  constructor(private readonly options: RunExecutorOptions) {}

  submit(actions: readonly Action[]): void {
    const now: Action[] = [];
    for (const action of actions) {
      if (action.kind === 'cancel_run') this.unstage(action.pr, action.runId);
      if (
        (action.kind === 'deploy' || action.kind === 'redeploy') &&
        (this.options.settleMs ?? 0) > 0
      ) {
        this.stage(action);
        continue;
      }
      if (isRunAction(action)) this.unstage(action.pr);
      now.push(action);
    }
    this.enqueue(now);
  }

  private stage(action: RunAction): void {
    this.unstage(action.pr);
    const timer = setTimeout(() => {
      this.staged.delete(action.pr);
      this.enqueue([action]);
    }, this.options.settleMs);
    this.staged.set(action.pr, { action, timer });
  }

  private unstage(pr: number, runId?: string): void {
    const staged = this.staged.get(pr);
    if (!staged || (runId !== undefined && staged.action.runId !== runId)) return;
    clearTimeout(staged.timer);
    this.staged.delete(pr);
  }

  private enqueue(actions: readonly Action[]): void {
    if (actions.length === 0) return;
    const result = submit(this.queue, actions);
    this.queue = result.queue;
    for (const runId of result.abort) this.controllers.get(runId)?.abort();
    this.startReady();
  }

  /** Resolves when no run is in flight and none is waiting to start. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0 || this.staged.size > 0) {
      if (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /**
   * Asks every run to stop at its next safe point and waits for them; runs submitted meanwhile
   * end cancelled before they start. `reason` becomes the error of the runs it cancels.
   */
  async stop(reason = 'the run was stopped'): Promise<void> {
    this.stopReason ??= reason;
    for (const { timer } of this.staged.values()) clearTimeout(timer);
    this.staged.clear();
    for (const c of this.controllers.values()) c.abort();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  get busy(): boolean {
    return this.controllers.size > 0 || this.staged.size > 0;
  }

  private startReady(): void {
    const ready = takeReady(this.queue);
    this.queue = ready.queue;
    for (const run of ready.start) {
      const promise = this.execute(run).finally(() => this.inFlight.delete(promise));
      this.inFlight.add(promise);
    }
  }

  private async execute(run: RunAction): Promise<void> {
    const controller = new AbortController();
    if (this.stopReason !== null) controller.abort();
    this.controllers.set(run.runId, controller);
    const log = this.options.logger.child({ pr: run.pr, run: run.runId, kind: run.kind });
    const observer = this.options.observer;
    const context = {
      signal: controller.signal,
      step: (name: string) => {
        log.info(name);
        observer?.line(run.runId, name);
      },
    };
    let event: RunFinishedEvent;
    let startedAt = performance.now();
    try {
      await this.waitWhileHeld(run, controller.signal, log);
      if (controller.signal.aborted) throw abortError();
      log.info('run started');
      observer?.started(run);
      startedAt = performance.now();
      if (run.kind === 'provision') await this.options.ops.provision(run.pr, context);
      else if (run.kind === 'destroy') await this.options.ops.destroy(run.pr, context);
      else await this.options.ops.deploy(run.pr, run.sha, context);
      event = { kind: 'run_finished', pr: run.pr, runId: run.runId, outcome: 'succeeded' };
    } catch (err) {
      const message = redact(
        err instanceof Error ? err.message : String(err),
        this.options.secrets,
      );
      const outcome = isAtCapacity(err)
        ? 'at_capacity'
        : isAbort(err, controller.signal)
          ? 'cancelled'
          : 'failed';
      const error = outcome === 'cancelled' && this.stopReason !== null ? this.stopReason : message;
      event = { kind: 'run_finished', pr: run.pr, runId: run.runId, outcome, error };
      log.warn('run ended', { outcome, error: message });
    } finally {
      this.controllers.delete(run.runId);
      this.queue = complete(this.queue, run.pr, run.runId);
    }
    this.options.metrics?.run(run.kind, event.outcome, performance.now() - startedAt);
    observer?.finished(run.runId, event.outcome, event.error);
    this.options.onFinished(event);
    this.startReady();
  }

  private async waitWhileHeld(run: RunAction, signal: AbortSignal, log: Logger): Promise<void> {
    const ask = this.options.holdReason;
    if (!ask) return;
    const started = Date.now();
    const deadline = started + (this.options.maxHoldMs ?? 30_000);
    let reason = await ask(run);
    if (reason === null) return;
    this.holds.held++;
    log.info('run waits for a received event', { reason });
    try {
      while (reason !== null && Date.now() < deadline) {
        await sleep(this.options.holdRecheckMs ?? 100, signal);
        reason = await ask(run);
      }
    } finally {
      this.holds.heldMs += Date.now() - started;
    }
  }
}

/** Rejects with an AbortError when the run is cancelled meanwhile. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return realSleep(ms, signal).catch(() => {
    throw abortError();
  });
}

function abortError(): Error {
  const err = new Error('run cancelled before it started');
  err.name = 'AbortError';
  return err;
}
