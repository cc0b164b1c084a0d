import type { NomadApi } from './client.js';
import type { AllocationListStub, Deployment } from './types.js';

export interface GroupHealth {
  group: string;
  /** Allocations the scheduler wants running (desired status "run"). */
  desired: number;
  running: number;
  healthy: number;
  unhealthy: number;
  failed: number;
}

/** Per task group counts of the job's current allocations. */
export async function allocationHealth(api: NomadApi, jobId: string): Promise<GroupHealth[]> {
  return groupHealth(await api.jobAllocations(jobId));
}

export function groupHealth(allocs: AllocationListStub[]): GroupHealth[] {
  const groups = new Map<string, GroupHealth>();
  for (const a of allocs) {
    if (a.DesiredStatus !== 'run') continue;
    const g = groups.get(a.TaskGroup) ?? {
      group: a.TaskGroup,
      desired: 0,
      running: 0,
      healthy: 0,
      unhealthy: 0,
      failed: 0,
    };
    g.desired += 1;
    if (a.ClientStatus === 'running') g.running += 1;
    if (a.ClientStatus === 'failed' || a.ClientStatus === 'lost') g.failed += 1;
    const healthy = a.DeploymentStatus?.Healthy;
    if (healthy === true) g.healthy += 1;
    if (healthy === false) g.unhealthy += 1;
    groups.set(a.TaskGroup, g);
  }
  return [...groups.values()].sort((x, y) => x.group.localeCompare(y.group));
}

export type DeploymentState =
  | { state: 'none' }
  | { state: 'running' | 'successful' | 'failed'; deployment: Deployment }
  | { state: 'other'; status: string; deployment: Deployment };

/** The job's latest deployment, reduced to what the deploy step waits on. */
export async function latestDeployment(api: NomadApi, jobId: string): Promise<DeploymentState> {
  const d = await api.latestDeployment(jobId);
  if (!d) return { state: 'none' };
  switch (d.Status) {
    case 'running':
    case 'pending':
    case 'initializing':
      return { state: 'running', deployment: d };
    case 'successful':
      return { state: 'successful', deployment: d };
    case 'failed':
      return { state: 'failed', deployment: d };
    default:
      return { state: 'other', status: d.Status, deployment: d };
  }
}
