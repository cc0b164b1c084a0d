import type { Action, PlanEvent } from '../core/actions.js';
import { isRunAction } from '../core/actions.js';
import type { DomainEvent } from '../core/events.js';
import type { Logger } from '../core/logger.js';
import type { MetricsRecorder } from '../core/metrics.js';
import type { World } from '../core/model.js';
import type { PlanContext } from '../core/plan-context.js';
import { plan } from '../core/planner.js';
import type { GitHubPort } from '../adapters/github/github-port.js';
import type { StateStore } from '../adapters/store/state-store.js';
import { GitHubReporter, isReportAction } from './github-reporter.js';
import type { EnvironmentOps } from './environment-ops.js';
import { RunExecutor } from './run-executor.js';
import { Serial } from './serial.js';
import { toPlanEvent } from './plan-event.js';

export interface EngineOptions {
  store: StateStore;
  github: GitHubPort;
  ops: EnvironmentOps;
  logger: Logger;
  /** The planner's context at a moment; `now` comes from here. */
  context: () => PlanContext;
  secrets?: string[];
  /** Coalescing window for deploys (see RunExecutor). */
  settleMs?: number;
  /** Observes every saved world (tests use it to check invariants at each instant). */
  onWorld?: (world: World, event: PlanEvent) => void;
  metrics?: MetricsRecorder;
}

const MAX_CAS_ATTEMPTS = 20;

/**
 * The bot's worker: takes queued deliveries and finished runs, plans with the pure core, saves
 * the world with check-and-set, then carries out the actions. One plan at a time per process;
 * the store's check-and-set keeps replicas from overwriting each other.
 */
export class Engine {
  private readonly serial = new Serial();
  private readonly executor: RunExecutor;
  private readonly reporter: GitHubReporter;
  private draining: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: EngineOptions) {
    this.reporter = new GitHubReporter(options.github, options.logger);
    this.executor = new RunExecutor({
      ops: options.ops,
      logger: options.logger,
      secrets: options.secrets ?? [],
      settleMs: options.settleMs ?? 0,
      ...(options.metrics ? { metrics: options.metrics } : {}),
      onFinished: (event) => {
        if (!this.stopped) void this.handle(event);
      },
    });
  }

  /** Restarts the runs the saved world has in flight (after a crash or a restart), then drains. */
  async start(): Promise<void> {
    const { world } = await this.options.store.loadWorld();
    const resumed: Action[] = [];
    for (const env of Object.values(world.envs)) {
      if (!env.run) continue;
      const { id: runId, kind, sha } = env.run;
      resumed.push(
        kind === 'deploy' || kind === 'redeploy'
          ? { kind, pr: env.pr, runId, sha: sha ?? env.desiredSha ?? '' }
          : { kind, pr: env.pr, runId },
      );
    }
    if (resumed.length > 0) this.options.logger.info('resuming runs', { runs: resumed.length });
    this.executor.submit(resumed);
    await this.drain();
  }

  /** Processes every pending delivery in order; concurrent calls share one pass. */
  drain(): Promise<void> {
    this.draining ??= this.drainOnce().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async drainOnce(): Promise<void> {
    for (;;) {
      const batch = await this.options.store.pending(50);
      if (batch.length === 0 || this.stopped) return;
      for (const delivery of batch) {
        try {
          const event = await toPlanEvent(delivery.payload as DomainEvent, {
            github: this.options.github,
            store: this.options.store,
            logger: this.options.logger,
          });
          if (event) await this.handle(event);
        } catch (err) {
          // The delivery stays queued; the next pass (a new delivery or the next tick) retries it.
          this.options.logger.error('delivery failed', {
            delivery: delivery.id,
            error: (err as Error).message,
          });
          return;
        }
        await this.options.store.complete(delivery.id);
      }
    }
  }

  /** Plans one event, saves the result and carries out its actions. */
  handle(event: PlanEvent): Promise<void> {
    return this.serial.run(async () => {
      const actions = await this.planAndSave(event);
      await this.carryOut(actions);
    });
  }

  async tick(): Promise<void> {
    await this.handle({ kind: 'tick' });
  }

  async idle(): Promise<void> {
    do {
      await this.drain();
      await this.serial.run(async () => undefined);
      await this.executor.idle();
      await this.serial.run(async () => undefined);
    } while (this.executor.busy || (await this.options.store.pending(1)).length > 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.executor.stop();
  }

  private async planAndSave(event: PlanEvent): Promise<Action[]> {
    for (let attempt = 1; attempt <= MAX_CAS_ATTEMPTS; attempt++) {
      const { world, version } = await this.options.store.loadWorld();
      const result = plan(world, event, this.options.context());
      if (await this.options.store.saveWorld(result.world, version)) {
        this.options.onWorld?.(result.world, event);
        return result.actions;
      }
    }
    throw new Error(
      `could not save the state after ${MAX_CAS_ATTEMPTS} attempts (another replica keeps writing)`,
    );
  }

  private async carryOut(actions: Action[]): Promise<void> {
    const runs = actions.filter((a) => isRunAction(a) || a.kind === 'cancel_run');
    this.executor.submit(runs);
    for (const action of actions) {
      if (isReportAction(action)) await this.reporter.apply(action);
    }
  }
}
