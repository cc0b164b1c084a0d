import type { PlanEvent } from '../core/actions.js';
import type { Logger } from '../core/logger.js';
import type { PlanContext } from '../core/plan-context.js';
import {
  applyReconcile,
  reconcile,
  routeRepairStillDue,
  type AppliedReconcile,
  type ReconcilePlan,
} from '../core/reconcile.js';
import type { EnvironmentOps } from './environment-ops.js';
import { runCleanup, type CleanupResult } from './reconcile-cleanup.js';
import { gatherReconcileInput, type ReconcileSources } from './reconcile-gather.js';
import type { FixedRenderedEnv, RestoredRoute } from './caddy-fleet.js';
import type { CaddyRoute } from '../adapters/caddy/admin-client.js';
import type { NomadApi } from '../adapters/nomad/index.js';

export interface ReconcilerDeps extends ReconcileSources {
  ops: EnvironmentOps;
  /** The engine the plan's events go to. */
  engine: { handle(event: PlanEvent): Promise<void> };
  context: () => PlanContext;
  logger: Logger;
  /** Production's or staging's Caddy route as prenv.yml renders it, for one no Caddy holds. */
  fixedRoute?: (env: FixedRenderedEnv) => CaddyRoute;
  /** A run in flight longer than this is taken as lost. */
  stuckAfterMs?: number;
}

export interface ReconcileOutcome {
  dryRun: boolean;
  plan: ReconcilePlan;
  /** The plan's events through the planner from the world as read: what the engine is asked. */
  applied: AppliedReconcile;
  warnings: string[];
  /** Empty on a dry run. */
  cleanups: CleanupResult[];
  /** Fixed routes (production, staging, the bot) put back on a Caddy that lost them. */
  restoredRoutes: RestoredRoute[];
  /** Events handed to the engine (0 on a dry run). */
  fed: number;
}

export interface PassOptions {
  dryRun?: boolean;
  /** One line per step (the CLI shows them as progress). */
  step?: (what: string) => void;
}

/** Runs longer than the longest deploy (Terraform 20 min, node 10 min, health 5 min) are lost. */
export const DEFAULT_STUCK_AFTER_MS = 60 * 60_000;

/**
 * Desired (open PRs on GitHub) against actual (the world, servers, Nomad jobs, Terraform states):
 * reads both, plans with the pure `reconcile`, then removes orphans and hands the plan's events
 * to the engine, which decides runs, slots and the queue as for a webhook. One pass at a time:
 * a call while a pass runs gets that pass's outcome.
 */
export class Reconciler {
  private current: Promise<ReconcileOutcome> | null = null;
  private readonly abort = new AbortController();

  constructor(private readonly deps: ReconcilerDeps) {}

  get busy(): boolean {
    return this.current !== null;
  }

  run(options: PassOptions = {}): Promise<ReconcileOutcome> {
    this.current ??= this.pass(options).finally(() => {
      this.current = null;
    });
    return this.current;
  }

  /** Stops cleanups in flight (their destroy runs see an aborted signal). */
  stop(): void {
    this.abort.abort();
  }

  private async pass(options: PassOptions): Promise<ReconcileOutcome> {
    const { deps } = this;
    const step = options.step ?? (() => {});
    const gathered = await gatherReconcileInput(deps, step);
    const ctx = deps.context();
    const plan = reconcile(
      { ...gathered.input, now: ctx.now },
      { project: deps.project, stuckAfterMs: deps.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS },
    );
    const applied = applyReconcile(gathered.input.world, plan, ctx);
    const outcome: ReconcileOutcome = {
      dryRun: options.dryRun === true,
      plan,
      applied,
      warnings: gathered.warnings,
      cleanups: [],
      restoredRoutes: [],
      fed: 0,
    };
    if (outcome.dryRun) return outcome;

    const failed = new Set<number>();
    for (const orphan of plan.cleanups) {
      const result = await runCleanup(orphan, gathered.servers, {
        project: deps.project,
        ops: deps.ops,
        nomad: deps.nomad,
        ...(deps.consulAcl ? { consulAcl: deps.consulAcl } : {}),
        hetzner: deps.hetzner,
        signal: this.abort.signal,
        step,
      });
      outcome.cleanups.push(result);
      if (result.error !== null) {
        failed.add(orphan.pr);
        deps.logger.error('reconcile cleanup failed', { pr: orphan.pr, error: result.error });
      } else deps.logger.info('reconcile cleanup done', { pr: orphan.pr, done: result.done });
    }
    // A PR whose leftovers could not be removed is not started again over them in this pass.
    const events = plan.events.filter((e) => !failed.has(eventPr(e) ?? -1));
    if (events.length > 1) step(`handing ${events.length - 1} event(s) and a tick to the engine`);
    for (const event of events) {
      if (!routeRepairStillDue((await deps.store.loadWorld()).world, event)) continue;
      await deps.engine.handle(event);
      outcome.fed++;
    }
    // Last: the events above were planned from what the pass read first, and must reach the
    // engine before a newer webhook can overtake them.
    if (deps.caddy?.restoreFixedRoutes) {
      step('restoring fixed Caddy routes a Caddy lost');
      try {
        outcome.restoredRoutes = await deps.caddy.restoreFixedRoutes(
          (env) => fixedEnvLive(deps.nomad, deps.project, env),
          deps.fixedRoute,
        );
      } catch (err) {
        outcome.warnings.push(`fixed Caddy routes not restored: ${(err as Error).message}`);
      }
    }
    return outcome;
  }
}

function eventPr(event: PlanEvent): number | null {
  if ('pull' in event) return event.pull.number;
  if ('pr' in event && typeof event.pr === 'number') return event.pr;
  return null;
}

/**
 * Whether the fixed environment behind route `prenv-<env>` runs: the bot's does (it is the one
 * reconciling); production's and staging's when their Nomad job `<project>-<env>` exists and is
 * not stopped (`prenv destroy` stops it).
 */
async function fixedEnvLive(nomad: NomadApi, project: string, env: string): Promise<boolean> {
  if (env === 'bot') return true;
  const job = await nomad.readJob(`${project}-${env}`);
  return job !== null && job.Stop !== true && job.Status !== 'dead';
}
