import type { Action, PlanEvent } from '../core/actions.js';
import { isRunAction, type RunAction } from '../core/actions.js';
import { retriesLeft, retryDelay, type RetryPolicy } from '../core/backoff.js';
import type { DomainEvent } from '../core/events.js';
import { LOOKAHEAD_KINDS, lookAhead, holdReason, type LookAhead } from '../core/lookahead.js';
import { envName, type World } from '../core/model.js';
import { plan } from '../core/planner.js';
import type { Delivery } from '../adapters/store/state-store.js';
import {
  DEFAULT_QUEUE_EDIT_DEBOUNCE_MS,
  GitHubReporter,
  isReportAction,
} from './github-reporter.js';
import { ClusterDeployExecutor } from './cluster-deploy-executor.js';
import { RunExecutor } from './run-executor.js';
import { Serial } from './serial.js';
import { toPlanEvent } from './plan-event.js';
import { heldBehind, prOf, selectBatch } from './delivery-batch.js';
import type { EngineOptions } from './engine-options.js';
import {
  FOREIGN_RUN_BOUND_MS,
  heldByCommand,
  sortRunsInFlight,
  type RunsInFlight,
} from './run-holder.js';

export type { EngineOptions } from './engine-options.js';

const MAX_CAS_ATTEMPTS = 20;
/** Deliveries read ahead for closes and pushes; a storm larger than this is read in part. */
const LOOKAHEAD_LIMIT = 1_000;

const STOP_DEFER_MS = 1_000;

/**
 * 8 attempts over about 10 minutes (5 s doubling, at most 5 min apart, each wait up to a fifth
 * shorter at random so deliveries that failed together spread out): a GitHub outage passes.
 */
export const DEFAULT_DELIVERY_RETRY: RetryPolicy = {
  baseMs: 5_000,
  maxMs: 5 * 60_000,
  maxAttempts: 8,
  jitter: 0.2,
};

/**
 * The bot's worker: takes queued deliveries and finished runs, plans with the pure core, saves
 * the world with check-and-set, then carries out the actions. One plan at a time per process;
 * the store's check-and-set keeps replicas from overwriting each other.
 */
export class Engine {
  private readonly serial = new Serial();
  private readonly executor: RunExecutor;
  private readonly clusterDeploys: ClusterDeployExecutor;
  private readonly reporter: GitHubReporter;
  private draining: Promise<void> | null = null;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimerAt = Infinity;
  /** A drain was asked for while a pass was under way: run another pass after it. */
  private drainAgain = false;
  private progressAt = Date.now();
  /**
   * PRs whose run a live prenv command carries out, with the events that are not deliveries
   * (the reconciler's) waiting for it; their deliveries wait in the queue. Each tick looks again
   * (`recheckCommandRuns`): the run ended, or was taken over from a command that is gone.
   */
  private readonly leftToCommands = new Map<number, PlanEvent[]>();

  constructor(private readonly options: EngineOptions) {
    this.reporter = new GitHubReporter({
      github: options.github,
      logger: options.logger,
      queueEditDebounceMs: options.queueEditDebounceMs ?? DEFAULT_QUEUE_EDIT_DEBOUNCE_MS,
      ...(options.reportRetry ? { retry: options.reportRetry } : {}),
      ...(options.logsUrl ? { logsUrl: options.logsUrl } : {}),
      ...(options.deploymentPayload ? { deploymentPayload: options.deploymentPayload } : {}),
    });
    this.clusterDeploys = new ClusterDeployExecutor({
      deployer: options.clusterDeployer ?? null,
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.runObserver ? { observer: options.runObserver } : {}),
      github: options.github,
      logger: options.logger,
      secrets: options.secrets ?? [],
      onEvent: (event) => {
        if (this.stopped) return;
        this.handle(event).catch((err: unknown) =>
          options.logger.error('could not plan a deploy on push', {
            environment: event.environment,
            event: event.kind,
            error: (err as Error).message,
          }),
        );
      },
    });
    this.executor = new RunExecutor({
      ops: options.ops,
      logger: options.logger,
      secrets: options.secrets ?? [],
      settleMs: options.settleMs ?? 0,
      holdReason: async (run) => holdReason(run, await this.lookAhead()),
      ...(options.holdRecheckMs !== undefined ? { holdRecheckMs: options.holdRecheckMs } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.runObserver ? { observer: options.runObserver } : {}),
      onFinished: (event) => {
        if (this.stopped) return;
        this.handle(event).catch((err: unknown) =>
          options.logger.error('could not plan a finished run', {
            pr: event.pr,
            run: event.runId,
            error: (err as Error).message,
          }),
        );
      },
    });
  }

  /** When the worker last finished a delivery or a plan (epoch ms), for health checks. */
  get lastProgressAt(): number {
    return this.progressAt;
  }

  /** GitHub writes started so far and how runs waited for received events (benchmarks). */
  get stats() {
    return { githubWrites: this.reporter.writeCount, holds: { ...this.executor.holds } };
  }

  /**
   * Restarts the runs the saved world has in flight (after a crash or a restart), then drains.
   * A PR run a live prenv command carries out is left to it, its PR busy until the run ends
   * (`leftToCommands`, looked at again on each `tick`); one whose command is gone is taken over
   * (see `sortRunsInFlight`).
   */
  async start(): Promise<void> {
    const { world, sorted } = await this.claimRunsInFlight();
    const resumed = this.resumeRuns(world, sorted, sorted.resume);
    // Production's and staging's deploys on push in flight run again (the pipeline is idempotent).
    const clusterRuns = Object.values(world.deploys ?? {}).flatMap((d) =>
      d.run ? [{ environment: d.environment, runId: d.run.id, sha: d.run.sha }] : [],
    );
    const runs = resumed.length + clusterRuns.length;
    if (runs > 0) this.options.logger.info('resuming runs', { runs });
    this.reporter.recover(clusterRuns.map((r) => r.environment));
    this.clusterDeploys.submit(
      clusterRuns.map((r) => ({ kind: 'deploy_environment' as const, ...r })),
    );
    await this.drain();
  }

  /**
   * Looks again at the runs left to prenv commands, as `start` does: one whose command is gone
   * is taken over and resumed; a PR whose run ended or was taken over gets the events that
   * waited for it planned (its deliveries at the next drain). Runs in the plan order.
   */
  private recheckCommandRuns(): Promise<void> {
    return this.serial.run(async () => {
      if (this.stopped) return;
      const { world, sorted } = await this.claimRunsInFlight();
      const before = new Map(this.leftToCommands);
      const resumed = this.resumeRuns(
        world,
        sorted,
        sorted.adopted.map((a) => a.pr),
      );
      if (resumed.length > 0) this.options.logger.info('resuming runs', { runs: resumed.length });
      const released = [...before].filter(([pr]) => !this.leftToCommands.has(pr));
      for (const [pr, events] of released) {
        this.options.logger.info('the prenv command holding a run is done; planning what waited', {
          pr,
          events: events.length,
        });
        for (const event of events) {
          const ahead = await this.lookAhead();
          const actions = await this.planAndSave(event, ahead.stops);
          if (actions) this.carryOut(actions, ahead.stops);
        }
      }
      if (released.length > 0) this.wakeAt(Date.now());
    });
  }

  /**
   * Logs how the runs in flight were sorted, notes the PRs left to live commands (their events
   * wait, see `leftToCommands`), and hands the runs of the PRs in `resume` to the executor.
   */
  private resumeRuns(world: World, sorted: RunsInFlight, resume: number[]): RunAction[] {
    const waiting = new Map(this.leftToCommands);
    this.leftToCommands.clear();
    for (const { pr, runId, who } of sorted.left) {
      if (!waiting.has(pr))
        this.options.logger.info('leaving a run to the prenv command carrying it out', {
          pr,
          run: runId,
          holder: who,
        });
      this.leftToCommands.set(pr, waiting.get(pr) ?? []);
    }
    for (const { pr, runId, why } of sorted.adopted)
      this.options.logger.warn('taking over a run whose prenv command is gone', {
        pr,
        run: runId,
        why,
      });
    const resumed: RunAction[] = resume.map((pr) => {
      const env = world.envs[pr]!;
      const { id: runId, kind, sha } = env.run!;
      return kind === 'deploy' || kind === 'redeploy'
        ? { kind, pr, runId, sha: sha ?? env.desiredSha ?? '' }
        : { kind, pr, runId };
    });
    this.reporter.recover(resumed.map((r) => envName(r.pr)));
    this.executor.submit(resumed);
    return resumed;
  }

  /**
   * The saved world with the runs in flight sorted; the runs taken over from a gone prenv
   * command are saved as the bot's (no owner), so a later command sees the bot hold them.
   */
  private async claimRunsInFlight(): Promise<{ world: World; sorted: RunsInFlight }> {
    const bound = this.options.runAbandonMs ?? FOREIGN_RUN_BOUND_MS;
    for (let attempt = 1; ; attempt++) {
      const { world, version } = await this.options.store.loadWorld();
      const sorted = sortRunsInFlight(world, this.options.context().now, bound);
      if (sorted.adopted.length === 0) return { world, sorted };
      for (const { pr } of sorted.adopted) delete world.envs[pr]!.run!.owner;
      if (await this.options.store.saveWorld(world, version)) return { world, sorted };
      if (attempt >= MAX_CAS_ATTEMPTS)
        throw new Error(
          `could not take over the runs in flight: the state changed ${attempt} times`,
        );
    }
  }

  /** Processes every pending delivery in order; concurrent calls share one pass. */
  drain(): Promise<void> {
    if (this.draining) {
      // The running pass may have read the queue already: what was queued or came due since
      // (a retry timer, a webhook) gets a pass of its own.
      this.drainAgain = true;
      return this.draining;
    }
    this.draining = (async () => {
      do {
        this.drainAgain = false;
        await this.drainOnce();
      } while (this.drainAgain && !this.stopped);
    })().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async drainOnce(): Promise<void> {
    for (;;) {
      const batch = await this.nextBatch(50);
      if (batch.length === 0 || this.stopped) return;
      const sources = {
        github: this.options.github,
        store: this.options.store,
        logger: this.options.logger,
      };
      // A comment command needs its PR and commenter from GitHub, whatever the world says: the
      // lookups of a batch run at once, so an open or a close never waits behind them. A PR
      // event is judged against the world at its turn, after the deliveries before it.
      const lookups = batch.map((d) =>
        (d.payload as DomainEvent).kind === 'comment_command'
          ? settle(toPlanEvent(d.payload as DomainEvent, sources))
          : null,
      );
      const failedPrs = new Set<number>();
      for (const [i, delivery] of batch.entries()) {
        if (this.stopped) return;
        const pr = prOf(delivery.payload as DomainEvent);
        if (heldBehind(delivery.payload as DomainEvent, failedPrs)) continue;
        // Found held by a prenv command earlier in this batch: it waits with the others.
        if (pr !== null && this.leftToCommands.has(pr)) continue;
        if (this.options.yieldToIntake) await this.options.yieldToIntake();
        if (this.stopped) return;
        try {
          const early = lookups[i];
          const event = early
            ? unwrap(await early)
            : await toPlanEvent(delivery.payload as DomainEvent, sources);
          // A planned delivery is completed by the save of its plan (`saveWorldFor`).
          if (event) await this.handle(event, delivery.id);
          else await this.options.store.complete(delivery.id);
        } catch (err) {
          await this.failed(delivery, err);
          if (pr !== null) failedPrs.add(pr);
          continue;
        }
        this.progressAt = Date.now();
      }
    }
  }

  /**
   * The next due deliveries, oldest first, keeping each PR's commands in the order received: a
   * delivery waiting to be tried again holds back the later commands of its PR (a retried
   * `/destroy` must not overtake the `/deploy` written after it), and nothing of other PRs. A
   * dead letter holds nothing; PR events are never held (see `heldBehind`).
   */
  private async nextBatch(size: number): Promise<Delivery[]> {
    const now = Date.now();
    // A batch depends only on the deliveries before it: read a few more than it takes, and the
    // whole look-ahead window only when those were held or waiting (a storm queues thousands).
    let batch: Delivery[] = [];
    let due = Infinity;
    for (const limit of [size * 2, LOOKAHEAD_LIMIT]) {
      const queued = await this.options.store.pending(limit);
      ({ batch, due } = selectBatch(queued, size, now, this.leftToCommands));
      if (batch.length === size || queued.length < limit) break;
    }
    // Deliveries waiting for their next attempt (also those a previous process left) are
    // drained when they come due.
    if (batch.length === 0 && due < Infinity) this.wakeAt(due);
    return batch;
  }

  /**
   * A delivery whose processing threw is tried again with backoff, and after the last attempt
   * becomes a dead letter (logged once, shown by `prenv list`/`status`, replayed by `prenv
   * retry`). Later deliveries go on meanwhile: one bad delivery never stops the queue.
   */
  private async failed(delivery: Delivery, err: unknown): Promise<void> {
    const policy = this.options.deliveryRetry ?? DEFAULT_DELIVERY_RETRY;
    const attempts = (delivery.attempts ?? 0) + 1;
    const error = (err as Error).message ?? String(err);
    const now = Date.now();
    const fields = { delivery: delivery.id, event: delivery.name, attempts, error };
    if (!retriesLeft(attempts, policy)) {
      await this.options.store.fail(delivery.id, error, null, now);
      this.options.logger.error(
        `delivery dead-lettered after ${attempts} attempts; replay it with \`prenv retry ${delivery.id}\``,
        fields,
      );
    } else {
      const retryAt = now + retryDelay(attempts, policy);
      await this.options.store.fail(delivery.id, error, retryAt, now);
      this.options.logger.warn('delivery failed; it will be tried again', { ...fields, retryAt });
      this.wakeAt(retryAt);
    }
    this.progressAt = Date.now();
  }

  /** Drains at `at` (epoch ms), or earlier if an earlier wake is already set. */
  private wakeAt(at: number): void {
    if (this.retryTimer && this.retryTimerAt <= at) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimerAt = at;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null;
        this.retryTimerAt = Infinity;
        if (this.stopped) return;
        this.drain().catch((err: unknown) =>
          this.options.logger.error('drain failed', { error: String(err) }),
        );
      },
      Math.max(0, at - Date.now()),
    );
    this.retryTimer.unref?.();
  }

  /** What the received, not yet planned deliveries say (see `lookAhead`). */
  private async lookAhead(except?: string): Promise<LookAhead> {
    const queued = await this.options.store.pending(LOOKAHEAD_LIMIT, undefined, LOOKAHEAD_KINDS);
    return lookAhead(queued.filter((d) => d.id !== except).map((d) => d.payload as DomainEvent));
  }

  /**
   * Plans one event, saves the result and carries out its actions. `deliveryId`: the queued
   * delivery the event comes from, which the look-ahead then leaves out (it is being planned).
   */
  handle(event: PlanEvent, deliveryId?: string): Promise<void> {
    return this.serial.run(async () => {
      const ahead = await this.lookAhead(deliveryId);
      const actions = await this.planAndSave(event, ahead.stops, deliveryId);
      if (actions) this.carryOut(actions, ahead.stops);
    });
  }

  /**
   * Time-driven work (`PRENV_TICK_MS`): first the runs left to prenv commands are looked at
   * again (`recheckCommandRuns`), then the planner's tick.
   */
  async tick(): Promise<void> {
    await this.recheckCommandRuns();
    await this.handle({ kind: 'tick' });
  }

  async idle(): Promise<void> {
    do {
      await this.drain();
      await this.serial.run(async () => undefined);
      await this.executor.idle();
      await this.clusterDeploys.idle();
      await this.serial.run(async () => undefined);
      await this.reporter.idle();
    } while (
      this.executor.busy ||
      this.clusterDeploys.busy ||
      this.serial.size > 0 ||
      (await this.deliveriesDue())
    );
  }

  /** Whether a delivery is due that is not waiting for a prenv command's run (`leftToCommands`). */
  private async deliveriesDue(): Promise<boolean> {
    const busy = this.leftToCommands.size > 0;
    const due = await this.options.store.pending(busy ? LOOKAHEAD_LIMIT : 1, Date.now());
    return due.some((d) => !this.leftToCommands.has(prOf(d.payload as DomainEvent) ?? -1));
  }

  /**
   * Stops runs at their next safe point and plans how they ended (cancelled, with `reason` as
   * their error: the planner marks the env failed, so a retry starts the run again), unlike
   * `stop`, which leaves them in flight for the next `start` to resume. Nothing new starts.
   * Call `stop` afterwards.
   */
  async interrupt(reason: string): Promise<void> {
    do {
      await this.executor.stop(reason);
      await this.serial.run(async () => undefined);
    } while (this.executor.busy || this.serial.size > 0);
  }

  /** Stops runs at their next safe point, then writes every report still waiting (≤ `flushMs`). */
  async stop(flushMs = 10_000): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.executor.stop();
    await this.clusterDeploys.stop();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.reporter.flush(),
      new Promise((resolve) => (timer = setTimeout(resolve, flushMs))),
    ]);
    clearTimeout(timer);
  }

  /**
   * With `deliveryId`, the save also completes the delivery (`saveWorldFor`): a delivery whose
   * plan another replica, or this one before a crash, already saved is not planned again.
   * Null: the event's PR has a run a live prenv command carries out, so nothing is planned; the
   * event waits for it (`leftToCommands`), a delivery in the queue.
   */
  private async planAndSave(
    event: PlanEvent,
    held: ReadonlySet<number>,
    deliveryId?: string,
  ): Promise<Action[] | null> {
    const { store } = this.options;
    for (let attempt = 1; attempt <= MAX_CAS_ATTEMPTS; attempt++) {
      const { world, version } = await store.loadWorld();
      const ctx = this.options.context();
      const bound = this.options.runAbandonMs ?? FOREIGN_RUN_BOUND_MS;
      const holder = heldByCommand(world, event, ctx.now, bound, ctx.runner);
      if (holder) {
        this.waitForCommand(holder, deliveryId === undefined ? event : null);
        return null;
      }
      const result = plan(world, event, { ...ctx, held });
      const saved =
        deliveryId === undefined
          ? (await store.saveWorld(result.world, version)) && 'saved'
          : await store.saveWorldFor(result.world, version, deliveryId);
      if (saved === 'done') {
        this.options.logger.info('delivery already planned; skipped', { delivery: deliveryId });
        return [];
      }
      if (saved === 'saved') {
        this.progressAt = Date.now();
        this.options.onWorld?.(result.world, event);
        return result.actions;
      }
    }
    throw new Error(
      `could not save the state after ${MAX_CAS_ATTEMPTS} attempts (another replica keeps writing)`,
    );
  }

  /** `event` (null: a delivery, which waits in the queue) waits for the run `holder` carries out. */
  private waitForCommand(holder: { pr: number; who: string }, event: PlanEvent | null): void {
    const waiting = this.leftToCommands.get(holder.pr) ?? [];
    if (event) waiting.push(event);
    this.leftToCommands.set(holder.pr, waiting);
    this.options.logger.info('waiting for the prenv command carrying out the PR’s run', {
      pr: holder.pr,
      holder: holder.who,
      event: event?.kind ?? 'delivery',
    });
  }

  /** Reports of a PR whose stop is already received wait briefly: the stop's report replaces them. */
  private carryOut(actions: Action[], stops: ReadonlySet<number>): void {
    const runs = actions.filter((a) => isRunAction(a) || a.kind === 'cancel_run');
    this.executor.submit(runs);
    this.clusterDeploys.submit(actions);
    for (const action of actions) {
      if (!isReportAction(action)) continue;
      const replaceable = action.kind === 'report' || action.kind === 'mark_deployment';
      const defer = this.options.stopDeferMs ?? STOP_DEFER_MS;
      const stopping = action.pr !== null && stops.has(action.pr);
      this.reporter.submit(action, replaceable && stopping ? defer : 0);
    }
  }
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise that never rejects, so it may be awaited later without an unhandled rejection. */
function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

function unwrap<T>(settled: Settled<T>): T {
  if (!settled.ok) throw settled.error;
  return settled.value;
}
