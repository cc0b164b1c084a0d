import type { AllocationMetric, DiffType, JobPlanResponse, TaskGroupDiff } from './types.js';

export type Change = 'add' | 'edit' | 'destroy' | 'none';

export interface GroupSummary {
  name: string;
  change: Change;
  count?: { from?: number; to?: number };
  tasks: Array<{ name: string; change: Change }>;
  /** Scheduler annotations, e.g. { create: 1, "create/destroy update": 2 }. */
  updates: Record<string, number>;
}

export interface PlanSummary {
  jobId: string;
  change: Change;
  groups: GroupSummary[];
  /** Groups the scheduler could not place, with a reason line. */
  unplaceable: Array<{ group: string; reason: string }>;
  /** Short text for logs, CLI output and PR comments. */
  text: string;
}

const CHANGE: Record<DiffType, Change> = {
  Added: 'add',
  Edited: 'edit',
  Deleted: 'destroy',
  None: 'none',
};
const MARK: Record<Change, string> = { add: '+', edit: '~', destroy: '-', none: '=' };

export function summarizePlan(plan: JobPlanResponse): PlanSummary {
  const diff = plan.Diff;
  const groups = (diff?.TaskGroups ?? []).map(groupSummary);
  const unplaceable = Object.entries(plan.FailedTGAllocs ?? {}).map(([group, metric]) => ({
    group,
    reason: placementReason(metric),
  }));
  const summary = {
    jobId: diff?.ID ?? '',
    change: diff ? CHANGE[diff.Type] : 'none',
    groups,
    unplaceable,
  } satisfies Omit<PlanSummary, 'text'>;
  return { ...summary, text: renderText(summary) };
}

function groupSummary(g: TaskGroupDiff): GroupSummary {
  const countField = (g.Fields ?? []).find((f) => f.Name === 'Count');
  const toNumber = (s: string | undefined) => (s === undefined || s === '' ? undefined : Number(s));
  return {
    name: g.Name,
    change: CHANGE[g.Type],
    count: countField
      ? { from: toNumber(countField.Old), to: toNumber(countField.New) }
      : undefined,
    tasks: (g.Tasks ?? []).map((t) => ({ name: t.Name, change: CHANGE[t.Type] })),
    updates: Object.fromEntries(Object.entries(g.Updates ?? {}).filter(([, n]) => n > 0)),
  };
}

function placementReason(m: AllocationMetric): string {
  const parts = [`${m.NodesEvaluated} node(s) evaluated`];
  if (m.NodesFiltered) parts.push(`${m.NodesFiltered} filtered out`);
  for (const [constraint, n] of Object.entries(m.ConstraintFiltered ?? {}))
    parts.push(`${n} by ${constraint}`);
  if (m.NodesExhausted) parts.push(`${m.NodesExhausted} out of resources`);
  return parts.join(', ');
}

function renderText(s: Omit<PlanSummary, 'text'>): string {
  const lines = [`${MARK[s.change]} job "${s.jobId}": ${s.change}`];
  for (const g of s.groups) {
    const bits: string[] = [];
    if (g.count && g.count.from !== g.count.to) {
      bits.push(`count ${g.count.from ?? 0} → ${g.count.to ?? 0}`);
    }
    const tasks = g.tasks.filter((t) => t.change !== 'none');
    if (tasks.length > 0)
      bits.push(`tasks ${tasks.map((t) => `${MARK[t.change]}${t.name}`).join(' ')}`);
    const updates = Object.entries(g.updates).map(([k, n]) => `${n} ${k}`);
    if (updates.length > 0) bits.push(updates.join(', '));
    lines.push(
      `  ${MARK[g.change]} group "${g.name}": ${g.change}${bits.length ? ` (${bits.join('; ')})` : ''}`,
    );
  }
  for (const u of s.unplaceable) lines.push(`  ! group "${u.group}" cannot be placed: ${u.reason}`);
  return lines.join('\n');
}
