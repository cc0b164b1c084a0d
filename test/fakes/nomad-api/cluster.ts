import { randomUUID } from 'node:crypto';
import { specOf } from './json-keys.js';

export type Job = Record<string, unknown> & {
  ID: string;
  JobModifyIndex: number;
  ModifyIndex: number;
};
type Group = { Name: string; Count?: number; Constraints?: Constraint[] };
type Constraint = { LTarget?: string; RTarget?: string; Operand?: string };

export interface FakeNodeInput {
  id?: string;
  name?: string;
  pr?: number | string;
  nodePool?: string;
  status?: 'ready' | 'down' | 'initializing';
  eligibility?: 'eligible' | 'ineligible';
  meta?: Record<string, string>;
}

export interface ClusterOptions {
  /** Allocations turn running and healthy this long after they are placed. */
  healthyAfterMs: number;
  /** Task groups whose allocations fail instead of turning healthy. */
  failingGroups: string[];
  now: () => number;
}

interface Alloc {
  ID: string;
  JobID: string;
  JobVersion: number;
  TaskGroup: string;
  NodeID: string;
  slot: number;
  placedAt: number;
  stopped: boolean;
}

/** Jobs, nodes, allocations and deployments of the simulated cluster, with Raft-like indexes. */
export class Cluster {
  index = 1000;
  readonly jobs = new Map<string, Job>();
  readonly nodes = new Map<string, Record<string, unknown>>();
  private allocs: Alloc[] = [];
  private deployments = new Map<string, { ID: string; JobVersion: number; CreateIndex: number }>();

  constructor(private readonly opts: ClusterOptions) {}

  addNode(input: FakeNodeInput): string {
    const id = input.id ?? randomUUID();
    const meta = { ...(input.meta ?? {}) };
    if (input.pr !== undefined) meta.pr = String(input.pr);
    this.index += 1;
    this.nodes.set(id, {
      ID: id,
      Name: input.name ?? `node-${id.slice(0, 8)}`,
      Datacenter: 'dc1',
      NodePool: input.nodePool ?? 'default',
      NodeClass: '',
      Drain: false,
      SchedulingEligibility: input.eligibility ?? 'eligible',
      Status: input.status ?? 'ready',
      StatusDescription: '',
      Meta: meta,
      Attributes: { 'kernel.name': 'linux' },
      CreateIndex: this.index,
      ModifyIndex: this.index,
    });
    return id;
  }

  removeNode(id: string): void {
    this.nodes.delete(id);
    for (const a of this.allocs) if (a.NodeID === id) a.stopped = true;
  }

  nodeStub(node: Record<string, unknown>): Record<string, unknown> {
    const { Meta: _meta, ...stub } = node;
    return stub;
  }

  /** Same semantics as nomad/structs Job.EnforceIndex. */
  enforceIndexError(id: string, index: number): string | undefined {
    const existing = this.jobs.get(id);
    const prefix = 'Enforcing job modify index';
    if (existing) {
      if (index === 0) return `${prefix} 0: job already exists`;
      if (index !== existing.JobModifyIndex) {
        return `${prefix} ${index}: job exists with conflicting job modify index: ${existing.JobModifyIndex}`;
      }
    } else if (index !== 0) {
      return `${prefix} ${index}: job does not exist`;
    }
    return undefined;
  }

  specChanged(job: Record<string, unknown>): boolean {
    const existing = this.jobs.get(String(job.ID));
    return !existing || JSON.stringify(specOf(existing)) !== JSON.stringify(specOf(job));
  }

  register(input: Record<string, unknown>): { job: Job; changed: boolean } {
    const id = String(input.ID);
    const existing = this.jobs.get(id);
    if (existing && !this.specChanged(input)) return { job: existing, changed: false };
    this.index += 1;
    const version = existing ? Number(existing.Version) + 1 : 0;
    const job: Job = {
      ...specOf(input),
      ID: id,
      Namespace: input.Namespace ?? 'default',
      Type: input.Type ?? 'service',
      Status: 'pending',
      Stop: false,
      Version: version,
      CreateIndex: existing?.CreateIndex ?? this.index,
      ModifyIndex: this.index,
      JobModifyIndex: this.index,
      SubmitTime: this.opts.now() * 1e6,
    };
    this.jobs.set(id, job);
    for (const a of this.allocs) if (a.JobID === id) a.stopped = true;
    if (job.Type === 'service') {
      this.deployments.set(id, { ID: randomUUID(), JobVersion: version, CreateIndex: this.index });
    }
    return { job, changed: true };
  }

  deregister(id: string, purge: boolean): boolean {
    const job = this.jobs.get(id);
    if (!job) return false;
    this.index += 1;
    for (const a of this.allocs) if (a.JobID === id) a.stopped = true;
    if (purge) this.jobs.delete(id);
    else this.jobs.set(id, { ...job, Stop: true, Status: 'dead', ModifyIndex: this.index });
    return true;
  }

  groups(job: Record<string, unknown>): Group[] {
    return (job.TaskGroups as Group[] | undefined) ?? [];
  }

  /** Nodes a group may run on: ready, eligible, in the job's pool and matching `${meta.*}`/`${node.*}` constraints. */
  eligibleNodes(job: Record<string, unknown>, group: Group): Array<Record<string, unknown>> {
    const pool = (job.NodePool as string | undefined) ?? 'default';
    const constraints = [
      ...((job.Constraints as Constraint[] | undefined) ?? []),
      ...(group.Constraints ?? []),
    ];
    return [...this.nodes.values()].filter(
      (n) =>
        n.Status === 'ready' &&
        n.SchedulingEligibility === 'eligible' &&
        (pool === 'all' || n.NodePool === pool) &&
        constraints.every((c) => constraintHolds(n, c)),
    );
  }

  /** Places missing allocations on eligible nodes (what a blocked evaluation does once a node joins). */
  private place(job: Job): void {
    if (job.Stop) return;
    for (const group of this.groups(job)) {
      const nodes = this.eligibleNodes(job, group);
      if (nodes.length === 0) continue;
      for (let slot = 0; slot < (group.Count ?? 1); slot += 1) {
        const live = this.allocs.find(
          (a) => a.JobID === job.ID && a.TaskGroup === group.Name && a.slot === slot && !a.stopped,
        );
        if (live) continue;
        this.allocs.push({
          ID: randomUUID(),
          JobID: job.ID,
          JobVersion: Number(job.Version),
          TaskGroup: group.Name,
          NodeID: String(nodes[slot % nodes.length]!.ID),
          slot,
          placedAt: this.opts.now(),
          stopped: false,
        });
      }
    }
  }

  allocations(jobId: string): Array<Record<string, unknown>> {
    const job = this.jobs.get(jobId);
    if (job) this.place(job);
    return this.allocs.filter((a) => a.JobID === jobId).map((a) => this.allocStub(a));
  }

  private allocStub(a: Alloc): Record<string, unknown> {
    const settled = this.opts.now() - a.placedAt >= this.opts.healthyAfterMs;
    const failing = this.opts.failingGroups.includes(a.TaskGroup);
    const client = a.stopped ? 'complete' : !settled ? 'pending' : failing ? 'failed' : 'running';
    const node = this.nodes.get(a.NodeID);
    return {
      ID: a.ID,
      EvalID: '',
      Name: `${a.JobID}.${a.TaskGroup}[${a.slot}]`,
      Namespace: 'default',
      NodeID: a.NodeID,
      NodeName: node?.Name ?? '',
      JobID: a.JobID,
      JobType: this.jobs.get(a.JobID)?.Type ?? 'service',
      JobVersion: a.JobVersion,
      TaskGroup: a.TaskGroup,
      DesiredStatus: a.stopped ? 'stop' : 'run',
      DesiredDescription: '',
      ClientStatus: client,
      ClientDescription: '',
      TaskStates: {},
      DeploymentStatus:
        settled && !a.stopped
          ? { Healthy: !failing, Canary: false, ModifyIndex: this.index }
          : null,
      CreateIndex: this.index,
      ModifyIndex: this.index,
      CreateTime: a.placedAt * 1e6,
      ModifyTime: this.opts.now() * 1e6,
    };
  }

  latestDeployment(jobId: string): Record<string, unknown> | null {
    const job = this.jobs.get(jobId);
    const d = this.deployments.get(jobId);
    if (!job || !d) return null;
    const current = this.allocations(jobId).filter(
      (a) => a.JobVersion === d.JobVersion && a.DesiredStatus === 'run',
    );
    const taskGroups: Record<string, unknown> = {};
    let failed = false;
    let done = true;
    for (const g of this.groups(job)) {
      const mine = current.filter((a) => a.TaskGroup === g.Name);
      const healthy = mine.filter(
        (a) => (a.DeploymentStatus as { Healthy?: boolean } | null)?.Healthy === true,
      );
      const unhealthy = mine.filter(
        (a) => (a.DeploymentStatus as { Healthy?: boolean } | null)?.Healthy === false,
      );
      const total = g.Count ?? 1;
      failed ||= unhealthy.length > 0;
      done &&= healthy.length >= total;
      taskGroups[g.Name] = {
        DesiredTotal: total,
        PlacedAllocs: mine.length,
        HealthyAllocs: healthy.length,
        UnhealthyAllocs: unhealthy.length,
      };
    }
    const status = job.Stop ? 'cancelled' : failed ? 'failed' : done ? 'successful' : 'running';
    const description = {
      cancelled: 'Cancelled because job is stopped',
      failed: 'Failed due to unhealthy allocations',
      successful: 'Deployment completed successfully',
      running: 'Deployment is running',
    }[status];
    return {
      ID: d.ID,
      Namespace: 'default',
      JobID: jobId,
      JobVersion: d.JobVersion,
      JobModifyIndex: job.JobModifyIndex,
      JobCreateIndex: job.CreateIndex,
      TaskGroups: taskGroups,
      Status: status,
      StatusDescription: description,
      CreateIndex: d.CreateIndex,
      ModifyIndex: this.index,
    };
  }
}

function constraintHolds(node: Record<string, unknown>, c: Constraint): boolean {
  const operand = c.Operand ?? '=';
  if (!['=', '==', 'is'].includes(operand)) return true;
  const target = /^\$\{(meta|node)\.([\w.-]+)\}$/.exec(c.LTarget ?? '');
  if (!target) return true;
  const [, scope, key] = target;
  const value =
    scope === 'meta'
      ? (node.Meta as Record<string, string>)[key!]
      : key === 'pool'
        ? node.NodePool
        : key === 'unique.id'
          ? node.ID
          : undefined;
  return value !== undefined && String(value) === c.RTarget;
}
