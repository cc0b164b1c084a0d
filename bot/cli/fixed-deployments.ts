import { deployedSha, listOwnedJobs, type NomadApi } from '../adapters/nomad/index.js';
import type { DeploymentInfo, FixedEnv } from './views/view-support.js';

export interface FixedDeployments {
  production: DeploymentInfo | null;
  staging: DeploymentInfo | null;
  /** Why they are unknown (null), for stderr. */
  warning: string | null;
}

/**
 * What runs in production and staging, from the Nomad jobs prenv owns there: the commit in
 * `prenv_sha` (group meta of service jobs, so each job is read) and the newest `SubmitTime`
 * (nanoseconds). No job: not deployed. Nomad
 * unreachable: unknown, with a warning.
 */
export async function readFixedDeployments(
  nomad: NomadApi,
  project: string,
  envs: FixedEnv[] = ['production', 'staging'],
): Promise<FixedDeployments> {
  const out: FixedDeployments = { production: null, staging: null, warning: null };
  try {
    for (const env of envs) {
      const jobs = (await listOwnedJobs(nomad, { project, env })).filter((j) => !j.Stop);
      let newest: { sha: string | null; at: number | null } = { sha: null, at: null };
      for (const job of jobs) {
        const at = submitTime(job);
        if (newest.at === null || (at !== null && at > newest.at)) {
          const full = await nomad.readJob(job.ID);
          newest = { sha: full ? deployedSha(full) : null, at };
        }
      }
      out[env] = { deployedSha: newest.sha, deployedAt: newest.at, servers: [] };
    }
  } catch (err) {
    out.production = null;
    out.staging = null;
    out.warning = `production and staging shown as unknown: ${(err as Error).message}`;
  }
  return out;
}

function submitTime(job: object): number | null {
  const ns = (job as { SubmitTime?: unknown }).SubmitTime;
  return typeof ns === 'number' && ns > 0 ? Math.floor(ns / 1e6) : null;
}
