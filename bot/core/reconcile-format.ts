import type { Action, PlanEvent } from './actions.js';
import { formatTime } from './format.js';
import { envName } from './model.js';
import type { AppliedReconcile, Finding, ReconcilePlan } from './reconcile.js';
import { queueOrder, slotsUsed } from './slots.js';

const TICK_LINE = 'Then one tick: idle TTL, retries that are due, queued PRs start as slots free.';

/** Text of `prenv reconcile --dry-run`: what is wrong and what repairs it. */
export function formatReconcilePlan(plan: ReconcilePlan): string {
  const n = plan.findings.length;
  const head = `Reconcile at ${formatTime(plan.at)}: ${n === 0 ? 'nothing to repair' : `${n} finding${n === 1 ? '' : 's'}`}`;
  const lines = [head];
  if (n > 0) lines.push('');
  const width = Math.max(0, ...plan.findings.map((f) => f.env.length));
  const kindWidth = Math.max(0, ...plan.findings.map((f) => f.kind.length));
  for (const f of plan.findings) {
    lines.push(`  ${f.env.padEnd(width)}  ${f.kind.padEnd(kindWidth)}  ${f.reason}`);
    lines.push(`  ${' '.repeat(width + kindWidth + 2)}  → ${repair(f)}`);
  }
  if (plan.cleanups.length > 0) {
    const servers = plan.cleanups.reduce((a, c) => a + c.servers.length, 0);
    lines.push(
      '',
      `Cleanups run first and take no slot` +
        (servers > 0
          ? `; until they finish, ${servers === 1 ? '1 orphaned server exists' : `${servers} orphaned servers exist`} beyond the preview cap.`
          : '.'),
    );
  }
  lines.push('', TICK_LINE);
  return lines.join('\n') + '\n';
}

function repair(f: Finding): string {
  const parts = [
    ...f.cleanup.map((c) => `destroy ${c.what.join(', ')}`),
    ...f.events.map(describeEvent),
  ];
  return parts.join('; ');
}

function describeEvent(event: PlanEvent): string {
  switch (event.kind) {
    case 'run_finished':
      return `feed run_finished (${event.outcome}) for run ${event.runId}`;
    case 'pr_opened':
    case 'pr_updated':
    case 'pr_closed':
    case 'pr_drafted':
      return `feed ${event.kind} (head ${event.pull.headSha.slice(0, 7)})`;
    default:
      return `feed ${event.kind}`;
  }
}

/** What the executor would be asked to do after the plan's events went through the planner. */
export function formatAppliedReconcile(applied: AppliedReconcile, cap: number): string {
  const lines = ['What the executor would do:'];
  const counts = { report: 0, mark_deployment: 0, other: 0 };
  for (const action of applied.actions) {
    const text = describeAction(action);
    if (text && typeof action.pr === 'number')
      lines.push(`  ${envName(action.pr).padEnd(7)}  ${text}`);
    else if (action.kind === 'report' || action.kind === 'mark_deployment') counts[action.kind]++;
    else counts.other++;
  }
  if (lines.length === 1) lines.push('  nothing');
  const extras = [
    counts.report > 0 ? `${counts.report} sticky comment update(s)` : '',
    counts.mark_deployment > 0 ? `${counts.mark_deployment} deployment status update(s)` : '',
    counts.other > 0 ? `${counts.other} comment reaction(s) or reply(ies)` : '',
  ].filter(Boolean);
  if (extras.length > 0) lines.push(`  and ${extras.join(', ')}`);
  const used = slotsUsed(Object.values(applied.world.envs));
  const queued = queueOrder(applied.world).length;
  lines.push('', `Slots: ${used} of ${cap} in use, ${queued} queued.`);
  return lines.join('\n') + '\n';
}

function describeAction(action: Action): string | null {
  switch (action.kind) {
    case 'provision':
    case 'destroy':
      return `${action.kind} (run ${action.runId})`;
    case 'deploy':
    case 'redeploy':
      return `${action.kind} ${action.sha.slice(0, 7)} (run ${action.runId})`;
    case 'cancel_run':
      return `cancel run ${action.runId}`;
    case 'enqueue':
      return `queued at position ${action.position}`;
    case 'dequeue':
      return action.reason === 'started' ? 'leaves the queue to start' : 'leaves the queue';
    default:
      return null;
  }
}
