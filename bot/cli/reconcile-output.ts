import { formatAppliedReconcile, formatReconcilePlan } from '../core/reconcile-format.js';
import { isRunAction } from '../core/actions.js';
import { envName } from '../core/model.js';
import { queueOrder, slotsUsed } from '../core/slots.js';
import type { ReconcileOutcome } from '../runtime/reconciler.js';

/**
 * `prenv reconcile --json`: `at` (ISO), `dryRun`, `findings` [{kind, env, pr, reason, cleanup
 * [{what, servers, nomadJobs}], events [kind]}], `actions` [{env, kind, runId?, sha?}] (runs
 * the engine is asked for), `slots` {used, cap, queued} after the events, `warnings`, and
 * after a real pass `cleanups` [{env, done, error}], `restoredRoutes` [{env, caddy}] (fixed
 * routes put back on a Caddy that lost them) and `fed` (events handed to the engine).
 */
export function reconcileJson(outcome: ReconcileOutcome, cap: number): unknown {
  const { plan, applied } = outcome;
  const envs = Object.values(applied.world.envs);
  return {
    at: new Date(plan.at).toISOString(),
    dryRun: outcome.dryRun,
    findings: plan.findings.map((f) => ({
      kind: f.kind,
      env: f.env,
      pr: f.pr,
      reason: f.reason,
      cleanup: f.cleanup.map(({ what, servers, nomadJobs }) => ({ what, servers, nomadJobs })),
      events: f.events.map((e) => e.kind),
    })),
    actions: applied.actions
      .flatMap((a) => (isRunAction(a) || a.kind === 'cancel_run' ? [a] : []))
      .map((a) => ({
        env: envName(a.pr),
        kind: a.kind,
        ...('runId' in a ? { runId: a.runId } : {}),
        ...('sha' in a ? { sha: a.sha } : {}),
      })),
    slots: { used: slotsUsed(envs), cap, queued: queueOrder(applied.world).length },
    warnings: outcome.warnings,
    ...(outcome.dryRun
      ? {}
      : {
          cleanups: outcome.cleanups.map((c) => ({
            env: envName(c.pr),
            done: c.done,
            error: c.error,
          })),
          restoredRoutes: outcome.restoredRoutes,
          fed: outcome.fed,
        }),
  };
}

export function reconcileText(outcome: ReconcileOutcome, cap: number): string {
  const parts = [formatReconcilePlan(outcome.plan), formatAppliedReconcile(outcome.applied, cap)];
  if (outcome.warnings.length > 0)
    parts.push(outcome.warnings.map((w) => `Warning: ${w}`).join('\n') + '\n');
  if (outcome.dryRun) parts.push('Dry run: nothing was changed.\n');
  else {
    const lines = outcome.cleanups.map(
      (c) =>
        `  ${envName(c.pr)}: ${c.error === null ? c.done.join('; ') || 'nothing left' : `FAILED: ${c.error}`}`,
    );
    parts.push(
      [
        'Done:',
        ...(lines.length > 0 ? lines : ['  no cleanups']),
        ...outcome.restoredRoutes.map((r) => `  route prenv-${r.env} restored on ${r.caddy}`),
        `  ${outcome.fed} event(s) handed to the engine`,
      ].join('\n') + '\n',
    );
  }
  return parts.join('\n');
}
