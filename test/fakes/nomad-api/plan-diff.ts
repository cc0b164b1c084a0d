import type { Cluster } from './cluster.js';
import { specOf } from './json-keys.js';

type Obj = Record<string, unknown>;
type Named = Obj & { Name: string };
type DiffType = 'Added' | 'Deleted' | 'Edited' | 'None';

/**
 * A JobPlanResponse in the shape of Nomad's Job.Plan (nomad/structs/diff.go and
 * scheduler/annotate.go), at group and task granularity with the Count field diff.
 */
export function planJob(cluster: Cluster, job: Obj): Obj {
  const existing = cluster.jobs.get(String(job.ID));
  const old = existing && !existing.Stop ? existing : undefined;
  const oldGroups = byName(old?.TaskGroups);
  const newGroups = byName(job.TaskGroups);
  const names = [...new Set([...oldGroups.keys(), ...newGroups.keys()])].sort();
  const groupDiffs: Obj[] = [];
  const desired: Record<string, Obj> = {};
  const failed: Record<string, Obj> = {};
  for (const name of names) {
    const before = oldGroups.get(name);
    const after = newGroups.get(name);
    const type = diffType(before, after);
    const oldCount = before ? Number(before.Count ?? 1) : 0;
    const newCount = after ? Number(after.Count ?? 1) : 0;
    const updates = groupUpdates(type, oldCount, newCount, before, after);
    groupDiffs.push({
      Type: type,
      Name: name,
      Fields:
        oldCount !== newCount
          ? [
              {
                Type: type === 'Edited' ? 'Edited' : type,
                Name: 'Count',
                Old: before ? String(oldCount) : '',
                New: after ? String(newCount) : '',
                Annotations: null,
              },
            ]
          : [],
      Objects: null,
      Tasks: taskDiffs(before, after),
      Updates: updates,
    });
    desired[name] = {
      Ignore: updates.ignore ?? 0,
      Place: updates.create ?? 0,
      Migrate: 0,
      Stop: updates.destroy ?? 0,
      InPlaceUpdate: 0,
      DestructiveUpdate: updates['create/destroy update'] ?? 0,
      Canary: 0,
      Preemptions: 0,
    };
    if (after && newCount > 0 && cluster.eligibleNodes(job, after as never).length === 0) {
      failed[name] = {
        NodesEvaluated: cluster.nodes.size,
        NodesFiltered: cluster.nodes.size,
        NodesInPool: 0,
        NodesAvailable: {},
        ClassFiltered: null,
        ConstraintFiltered:
          cluster.nodes.size > 0 ? { 'node pool or constraint': cluster.nodes.size } : null,
        NodesExhausted: 0,
        CoalescedFailures: newCount - 1,
      };
    }
  }
  return {
    JobModifyIndex: existing?.JobModifyIndex ?? 0,
    CreatedEvals: null,
    Diff: {
      Type: diffType(old ? specOf(old) : undefined, specOf(job)),
      ID: job.ID,
      Fields: null,
      Objects: null,
      TaskGroups: groupDiffs,
    },
    Annotations: { DesiredTGUpdates: desired, PreemptedAllocs: null },
    FailedTGAllocs: Object.keys(failed).length > 0 ? failed : null,
    NextPeriodicLaunch: '0001-01-01T00:00:00Z',
    Warnings: '',
    Index: cluster.index,
  };
}

function byName(list: unknown): Map<string, Named> {
  return new Map(((list as Named[] | undefined) ?? []).map((x) => [x.Name, x]));
}

function diffType(before: unknown, after: unknown): DiffType {
  if (!before) return after ? 'Added' : 'None';
  if (!after) return 'Deleted';
  return JSON.stringify(before) === JSON.stringify(after) ? 'None' : 'Edited';
}

function tasksChanged(before?: Obj, after?: Obj): boolean {
  return JSON.stringify(before?.Tasks) !== JSON.stringify(after?.Tasks);
}

function groupUpdates(
  type: DiffType,
  oldCount: number,
  newCount: number,
  before?: Obj,
  after?: Obj,
) {
  const u: Record<string, number> = {};
  if (type === 'Added') u.create = newCount;
  else if (type === 'Deleted') u.destroy = oldCount;
  else if (type === 'None') u.ignore = newCount;
  else {
    const kept = Math.min(oldCount, newCount);
    if (tasksChanged(before, after)) u['create/destroy update'] = kept;
    else u.ignore = kept;
    if (newCount > oldCount) u.create = newCount - oldCount;
    if (oldCount > newCount) u.destroy = oldCount - newCount;
  }
  return u;
}

function taskDiffs(before?: Obj, after?: Obj): Obj[] {
  const oldTasks = byName(before?.Tasks);
  const newTasks = byName(after?.Tasks);
  return [...new Set([...oldTasks.keys(), ...newTasks.keys()])].sort().map((name) => {
    const type = diffType(oldTasks.get(name), newTasks.get(name));
    return {
      Type: type,
      Name: name,
      Fields: null,
      Objects: null,
      Annotations: type === 'Edited' ? ['forces create/destroy update'] : null,
    };
  });
}
