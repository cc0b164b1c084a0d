import type { NomadApi } from './client.js';
import { NomadError } from './errors.js';
import type { JobListStub, NomadJob } from './types.js';

/** Job meta keys that mark a job as prenv's (like nomad-pack's pack path / deployment name meta). */
export const OWNER_META = {
  project: 'prenv_project',
  env: 'prenv_env',
  pr: 'prenv_pr',
  sha: 'prenv_sha',
} as const;

export interface Owner {
  project: string;
  /** "production", "staging", "pr-7" … */
  env: string;
  pr?: number;
  /** The commit being deployed; never written to job-level meta (see `ownerMeta`). */
  sha?: string;
}

/**
 * The job-level meta of ownership. The commit is not part of it: Nomad merges job meta into
 * every task's meta, so a job meta that changes on each deploy is a destructive update of
 * every group (scheduler `tasksUpdated`), restarting databases whose image did not change.
 * The templates put `prenv_sha` on the groups that use the commit instead.
 */
export function ownerMeta(owner: Owner): Record<string, string> {
  const meta: Record<string, string> = {
    [OWNER_META.project]: owner.project,
    [OWNER_META.env]: owner.env,
  };
  if (owner.pr !== undefined) meta[OWNER_META.pr] = String(owner.pr);
  return meta;
}

/**
 * The commit a job runs: its job-level `prenv_sha` (periodic jobs) or the `prenv_sha` of its
 * first task group that has one (service jobs); null when none says.
 */
export function deployedSha(job: Pick<NomadJob, 'Meta' | 'TaskGroups'>): string | null {
  const own = job.Meta?.[OWNER_META.sha];
  if (own !== undefined) return own;
  for (const group of job.TaskGroups ?? []) {
    const meta = (group as { Meta?: Record<string, string> | null }).Meta;
    const sha = meta?.[OWNER_META.sha];
    if (sha !== undefined) return sha;
  }
  return null;
}

/** Returns a copy of the job carrying the owner's meta (job-level Meta). */
export function withOwnerMeta(job: NomadJob, owner: Owner): NomadJob {
  return { ...job, Meta: { ...(job.Meta ?? {}), ...ownerMeta(owner) } };
}

/** A job belongs to an owner when its project and env meta both match. */
export function isOwnedBy(
  job: Pick<NomadJob, 'Meta'>,
  owner: Pick<Owner, 'project' | 'env'>,
): boolean {
  const meta = job.Meta ?? {};
  return meta[OWNER_META.project] === owner.project && meta[OWNER_META.env] === owner.env;
}

/**
 * Refuses to touch an existing job that prenv did not create for this project and env,
 * as nomad-pack's conflict check does. A missing job is fine.
 */
export function assertOwned(existing: NomadJob | null, owner: Owner): void {
  if (!existing || isOwnedBy(existing, owner)) return;
  const meta = existing.Meta ?? {};
  const holder = meta[OWNER_META.project]
    ? `prenv project "${meta[OWNER_META.project]}", env "${meta[OWNER_META.env] ?? '?'}"`
    : 'something other than prenv';
  throw new NomadError({
    kind: 'not_owned',
    message:
      `Nomad job "${existing.ID}" already exists and belongs to ${holder}, not to project ` +
      `"${owner.project}" env "${owner.env}". prenv will not overwrite it: rename the service, or stop ` +
      `that job yourself (nomad job stop -purge ${existing.ID}) if it is safe to replace.`,
  });
}

/** Jobs prenv runs for a project, optionally for one env. */
export function listOwnedJobs(
  api: NomadApi,
  filter: { project: string; env?: string; prefix?: string },
): Promise<JobListStub[]> {
  const meta: Record<string, string> = { [OWNER_META.project]: filter.project };
  if (filter.env !== undefined) meta[OWNER_META.env] = filter.env;
  return api.listJobs({ prefix: filter.prefix, meta });
}
