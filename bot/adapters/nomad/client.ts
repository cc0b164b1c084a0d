import { isNomadError } from './errors.js';
import type { NomadHttpOptions } from './http.js';
import { NomadHttp, segment } from './http.js';
import type {
  AllocationListStub,
  Deployment,
  JobDeregisterResponse,
  JobListStub,
  JobPlanResponse,
  JobRegisterResponse,
  NodeListStub,
  NomadJob,
  NomadNode,
} from './types.js';

export interface ListJobsOptions {
  prefix?: string;
  /** Only jobs whose Meta holds every one of these pairs. */
  meta?: Record<string, string>;
}

export interface RegisterOptions {
  /**
   * Register only if Nomad still holds this JobModifyIndex; 0 means "the job must not exist".
   * Take it from the plan (`JobPlanResponse.JobModifyIndex`).
   */
  enforceIndex?: number;
}

/** The Nomad HTTP API calls prenv makes; every failure is a NomadError. */
export interface NomadApi {
  parseJob(hcl: string): Promise<NomadJob>;
  planJob(job: NomadJob): Promise<JobPlanResponse>;
  registerJob(job: NomadJob, options?: RegisterOptions): Promise<JobRegisterResponse>;
  readJob(id: string): Promise<NomadJob | null>;
  listJobs(options?: ListJobsOptions): Promise<JobListStub[]>;
  stopJob(id: string, options?: { purge?: boolean }): Promise<{ gone: 'stopped' | 'already_gone' }>;
  listNodes(options?: { filter?: string }): Promise<NodeListStub[]>;
  readNode(id: string): Promise<NomadNode | null>;
  jobAllocations(jobId: string): Promise<AllocationListStub[]>;
  latestDeployment(jobId: string): Promise<Deployment | null>;
}

export function createNomadClient(options: NomadHttpOptions): NomadApi {
  const http = new NomadHttp(options);
  const orNull = async <T>(p: Promise<T>): Promise<T | null> => {
    try {
      return await p;
    } catch (err) {
      if (isNomadError(err, 'not_found')) return null;
      throw err;
    }
  };

  const api: NomadApi = {
    // Nomad answers with the bare Job here, unlike /v1/job/:id/plan and /v1/jobs which take {"Job": …}.
    parseJob: (hcl) =>
      http.send<NomadJob>({
        method: 'POST',
        path: '/v1/jobs/parse',
        body: { JobHCL: hcl, Canonicalize: true },
      }),

    planJob: (job) =>
      http.send<JobPlanResponse>({
        method: 'POST',
        path: `/v1/job/${segment(jobId(job))}/plan`,
        body: { Job: job, Diff: true },
      }),

    registerJob: (job, opts = {}) => {
      jobId(job);
      const enforce = opts.enforceIndex !== undefined;
      return http.send<JobRegisterResponse>({
        method: 'POST',
        path: '/v1/jobs',
        body: enforce
          ? { Job: job, EnforceIndex: true, JobModifyIndex: opts.enforceIndex }
          : { Job: job },
      });
    },

    readJob: (id) => orNull(http.send<NomadJob>({ method: 'GET', path: `/v1/job/${segment(id)}` })),

    listJobs: async (opts = {}) => {
      const wanted = Object.entries(opts.meta ?? {});
      const stubs = await http.send<JobListStub[]>({
        method: 'GET',
        path: '/v1/jobs',
        query: {
          prefix: opts.prefix,
          meta: wanted.length > 0 ? true : undefined,
          filter: metaFilter(wanted),
        },
      });
      if (wanted.length === 0) return stubs;
      const matches: JobListStub[] = [];
      for (const stub of stubs) {
        // Stubs carry Meta only on Nomad 1.6+ with ?meta=true, and omit it for a job without
        // meta; servers before 1.2 ignore ?filter. So a stub without Meta is read in full.
        const meta = stub.Meta ?? (await api.readJob(stub.ID))?.Meta ?? {};
        if (wanted.every(([k, v]) => meta[k] === v)) matches.push({ ...stub, Meta: meta });
      }
      return matches;
    },

    stopJob: async (id, opts = {}) => {
      try {
        const out = await http.send<JobDeregisterResponse>({
          method: 'DELETE',
          path: `/v1/job/${segment(id)}`,
          query: { purge: opts.purge ? true : undefined },
        });
        // Current Nomad answers 200 with no evaluation when the job does not exist.
        return { gone: out?.EvalID ? 'stopped' : 'already_gone' };
      } catch (err) {
        if (isNomadError(err, 'not_found')) return { gone: 'already_gone' };
        throw err;
      }
    },

    listNodes: (opts = {}) =>
      http.send<NodeListStub[]>({
        method: 'GET',
        path: '/v1/nodes',
        query: { filter: opts.filter },
      }),

    readNode: (id) =>
      orNull(http.send<NomadNode>({ method: 'GET', path: `/v1/node/${segment(id)}` })),

    jobAllocations: (id) =>
      http.send<AllocationListStub[]>({
        method: 'GET',
        path: `/v1/job/${segment(id)}/allocations`,
      }),

    // Nomad answers `null` when the job has no deployment (batch and periodic jobs never have one).
    latestDeployment: (id) =>
      orNull(
        http.send<Deployment | null>({ method: 'GET', path: `/v1/job/${segment(id)}/deployment` }),
      ),
  };
  return api;
}

function jobId(job: NomadJob): string {
  if (typeof job.ID !== 'string' || job.ID === '') {
    throw new Error('A Nomad job must have an ID before it is planned or registered');
  }
  return job.ID;
}

/** A go-bexpr filter `Meta["k"] == "v" and …`, evaluated by Nomad against the full Job. */
export function metaFilter(pairs: Array<[string, string]>): string | undefined {
  if (pairs.length === 0) return undefined;
  return pairs.map(([k, v]) => `Meta[${bexprString(k)}] == ${bexprString(v)}`).join(' and ');
}

export function bexprString(value: string): string {
  return JSON.stringify(value);
}
