import type { NomadApi, NomadJob } from '../adapters/nomad/index.js';
import { realSleep as sleep } from '../adapters/retry.js';

export interface WaitOptions {
  timeoutMs: number;
  pollMs: number;
  signal?: AbortSignal;
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const err = new Error('cancelled');
  err.name = 'AbortError';
  throw err;
}

/**
 * Waits until every named node is ready and eligible in Nomad. Right after a first
 * `terraform apply` the Nomad API itself may not answer yet, so errors count as "not yet".
 */
export async function waitForNamedNodes(
  nomad: NomadApi,
  names: readonly string[],
  options: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let missing: string[] = [...names];
  let lastError = '';
  for (;;) {
    checkAborted(options.signal);
    try {
      const ready = new Set(
        (await nomad.listNodes())
          .filter((n) => n.Status === 'ready' && n.SchedulingEligibility === 'eligible' && !n.Drain)
          .map((n) => n.Name),
      );
      missing = names.filter((name) => !ready.has(name));
      lastError = '';
      if (missing.length === 0) return;
    } catch (err) {
      lastError = (err as Error).message;
    }
    if (Date.now() > deadline) {
      const why = lastError ? ` (last error: ${lastError})` : '';
      throw new Error(
        `these servers did not join Nomad as ready nodes within ${options.timeoutMs / 1000}s: ` +
          `${missing.join(', ')}${why}. Check their cloud-init log (journalctl -u cloud-final).`,
      );
    }
    await sleep(options.pollMs);
  }
}

export type JobDeploymentResult =
  | { status: 'successful' | 'none' }
  | { status: 'failed'; description: string; autoRevert: boolean; revertedTo: number | null };

/** Whether the job, or any of its groups, has `auto_revert = true` in its update block. */
export function hasAutoRevert(job: NomadJob): boolean {
  const update = (value: unknown) =>
    (value as { Update?: { AutoRevert?: boolean } | null } | undefined)?.Update?.AutoRevert;
  const groups = (job as { TaskGroups?: unknown[] }).TaskGroups ?? [];
  return update(job) === true || groups.some((g) => update(g) === true);
}

/**
 * Waits for the Nomad deployment of the job's current version. A failed deployment of a job
 * with `auto_revert` is followed by Nomad registering the last stable version again; that
 * shows as a newer deployment, or as "rolling back to job version N" in the description.
 */
export async function waitForJobDeployment(
  nomad: NomadApi,
  jobId: string,
  options: WaitOptions,
): Promise<JobDeploymentResult> {
  const job = await nomad.readJob(jobId);
  if (!job) throw new Error(`Nomad job ${jobId} disappeared right after it was registered`);
  const version = job.Version;
  const autoRevert = hasAutoRevert(job);
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    checkAborted(options.signal);
    const d = await nomad.latestDeployment(jobId);
    if (!d) return { status: 'none' };
    if (version !== undefined && d.JobVersion > version) {
      return {
        status: 'failed',
        description: `version ${version} was replaced by version ${d.JobVersion}`,
        autoRevert,
        revertedTo: autoRevert ? d.JobVersion : null,
      };
    }
    if (version === undefined || d.JobVersion === version) {
      if (d.Status === 'successful') return { status: 'successful' };
      if (d.Status === 'failed' || d.Status === 'cancelled') {
        const back = /rolling back to job version (\d+)/i.exec(d.StatusDescription);
        return {
          status: 'failed',
          description: `${d.Status}: ${d.StatusDescription}`,
          autoRevert,
          revertedTo: back ? Number(back[1]) : null,
        };
      }
    }
    if (Date.now() > deadline)
      throw new Error(
        `the Nomad deployment of ${jobId} did not finish within ${options.timeoutMs / 1000}s ` +
          `(status: ${d.Status}); see \`nomad job status ${jobId}\``,
      );
    await sleep(options.pollMs);
  }
}

/** What the last check of a deploy found: `ok`, and a sentence saying what answered what. */
export interface ProbeVerdict {
  ok: boolean;
  text: string;
}

/**
 * Polls the env's route until the probe says it answers as it must (see route-probe.ts); returns
 * that verdict, or throws the last failing one once `timeoutMs` has passed.
 */
export async function waitForRoute(
  probe: () => Promise<ProbeVerdict>,
  options: WaitOptions,
): Promise<ProbeVerdict> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    checkAborted(options.signal);
    const verdict = await probe();
    if (verdict.ok) return verdict;
    if (Date.now() > deadline)
      throw new Error(`${verdict.text} (still so after ${options.timeoutMs / 1000}s)`);
    await sleep(options.pollMs);
  }
}
