import type { NomadApi } from '../adapters/nomad/client.js';
import { deployedSha, listOwnedJobs } from '../adapters/nomad/ownership.js';
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
 * (nanoseconds). No job: not deployed. Each environment is read from its own cluster
 * (`nomadFor`; staging is a cluster of its own); a Nomad that cannot be read makes every
 * environment read from it unknown after one failure, with a warning.
 */
export async function readFixedDeployments(
  nomadFor: NomadApi | ((env: FixedEnv) => NomadApi),
  project: string,
  envs: FixedEnv[] = ['production', 'staging'],
): Promise<FixedDeployments> {
  const out: FixedDeployments = { production: null, staging: null, warning: null };
  const clientOf = typeof nomadFor === 'function' ? nomadFor : () => nomadFor;
  const failed = new Map<NomadApi, string>();
  const unknown: { env: FixedEnv; message: string }[] = [];
  for (const env of envs) {
    const nomad = clientOf(env);
    const earlier = failed.get(nomad);
    if (earlier !== undefined) {
      unknown.push({ env, message: earlier });
      continue;
    }
    try {
      out[env] = await deployedIn(nomad, project, env);
    } catch (err) {
      failed.set(nomad, (err as Error).message);
      unknown.push({ env, message: (err as Error).message });
    }
  }
  const messages = [...new Set(unknown.map((u) => u.message))];
  out.warning =
    messages
      .map((m) => {
        const names = unknown.filter((u) => u.message === m).map((u) => u.env);
        return `${names.join(' and ')} shown as unknown: ${m}`;
      })
      .join('; ') || null;
  return out;
}

async function deployedIn(
  nomad: NomadApi,
  project: string,
  env: FixedEnv,
): Promise<DeploymentInfo> {
  const jobs = (await listOwnedJobs(nomad, { project, env })).filter((j) => !j.Stop);
  let newest: { sha: string | null; at: number | null } = { sha: null, at: null };
  for (const job of jobs) {
    const at = submitTime(job);
    if (newest.at === null || (at !== null && at > newest.at)) {
      const full = await nomad.readJob(job.ID);
      newest = { sha: full ? deployedSha(full) : null, at };
    }
  }
  return { deployedSha: newest.sha, deployedAt: newest.at, servers: [] };
}

function submitTime(job: object): number | null {
  const ns = (job as { SubmitTime?: unknown }).SubmitTime;
  return typeof ns === 'number' && ns > 0 ? Math.floor(ns / 1e6) : null;
}
