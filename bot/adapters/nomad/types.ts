/**
 * The subset of Nomad's HTTP API shapes (api/jobs.go, api/nodes.go, api/allocations.go,
 * api/deployments.go) that prenv reads. Field names are Nomad's PascalCase JSON names.
 * A Job is kept open: prenv renders and forwards it, it never rebuilds one field by field.
 */
export interface NomadJob {
  ID?: string;
  Name?: string;
  Namespace?: string;
  Type?: string;
  NodePool?: string;
  Meta?: Record<string, string> | null;
  TaskGroups?: Array<{ Name?: string; Count?: number; [key: string]: unknown }> | null;
  JobModifyIndex?: number;
  ModifyIndex?: number;
  Version?: number;
  Status?: string;
  [key: string]: unknown;
}

export interface JobListStub {
  ID: string;
  Name: string;
  Namespace?: string;
  Type: string;
  Status: string;
  Stop: boolean;
  JobModifyIndex: number;
  ModifyIndex: number;
  /** Only with `?meta=true` (Nomad 1.6+), and omitted when the job has no meta. */
  Meta?: Record<string, string>;
}

export type DiffType = 'Added' | 'Deleted' | 'Edited' | 'None';

export interface FieldDiff {
  Type: DiffType;
  Name: string;
  Old: string;
  New: string;
  Annotations?: string[] | null;
}

export interface ObjectDiff {
  Type: DiffType;
  Name: string;
  Fields?: FieldDiff[] | null;
  Objects?: ObjectDiff[] | null;
}

export interface TaskDiff {
  Type: DiffType;
  Name: string;
  Fields?: FieldDiff[] | null;
  Objects?: ObjectDiff[] | null;
  Annotations?: string[] | null;
}

export interface TaskGroupDiff {
  Type: DiffType;
  Name: string;
  Fields?: FieldDiff[] | null;
  Objects?: ObjectDiff[] | null;
  Tasks?: TaskDiff[] | null;
  /** Scheduler annotations: "create", "destroy", "ignore", "in-place update", "create/destroy update", ... */
  Updates?: Record<string, number> | null;
}

export interface JobDiff {
  Type: DiffType;
  ID: string;
  Fields?: FieldDiff[] | null;
  Objects?: ObjectDiff[] | null;
  TaskGroups?: TaskGroupDiff[] | null;
}

export interface DesiredUpdates {
  Ignore: number;
  Place: number;
  Migrate: number;
  Stop: number;
  InPlaceUpdate: number;
  DestructiveUpdate: number;
  Canary: number;
  Preemptions: number;
}

export interface AllocationMetric {
  NodesEvaluated: number;
  NodesFiltered: number;
  NodesAvailable?: Record<string, number> | null;
  ConstraintFiltered?: Record<string, number> | null;
  NodesExhausted: number;
  CoalescedFailures: number;
  [key: string]: unknown;
}

export interface JobPlanResponse {
  /** The JobModifyIndex the plan was computed against; pass it to register as EnforceIndex. */
  JobModifyIndex: number;
  Diff: JobDiff | null;
  Annotations: { DesiredTGUpdates?: Record<string, DesiredUpdates> | null } | null;
  FailedTGAllocs: Record<string, AllocationMetric> | null;
  Warnings?: string;
  [key: string]: unknown;
}

export interface JobRegisterResponse {
  EvalID: string;
  EvalCreateIndex: number;
  JobModifyIndex: number;
  Warnings?: string;
}

export interface JobDeregisterResponse {
  EvalID: string;
  EvalCreateIndex: number;
  JobModifyIndex: number;
}

export interface NodeListStub {
  ID: string;
  Name: string;
  NodePool: string;
  Status: string;
  SchedulingEligibility: string;
  Drain: boolean;
}

export interface NomadNode extends NodeListStub {
  Meta?: Record<string, string> | null;
  [key: string]: unknown;
}

export interface AllocationListStub {
  ID: string;
  JobID: string;
  TaskGroup: string;
  NodeID: string;
  DesiredStatus: string;
  /** pending, running, complete, failed, lost, unknown */
  ClientStatus: string;
  DeploymentStatus?: { Healthy?: boolean | null; Canary?: boolean } | null;
  JobVersion?: number;
}

export interface Deployment {
  ID: string;
  JobID: string;
  JobVersion: number;
  /** running, paused, failed, successful, cancelled, pending, blocked, unblocking, initializing */
  Status: string;
  StatusDescription: string;
  TaskGroups?: Record<
    string,
    { DesiredTotal: number; PlacedAllocs: number; HealthyAllocs: number; UnhealthyAllocs: number }
  > | null;
}
