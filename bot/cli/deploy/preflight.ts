import type { ClusterEnvironment } from '../../core/model.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { probeCluster, PROBE_TIMEOUT_MS, type ClusterAddresses } from '../reach/endpoint-probe.js';

export interface PreflightInput {
  cluster: ClusterEnvironment;
  /** The addresses and tokens the run will use. */
  settings: ClusterAddresses;
  /** The variables the settings were read from, so a failure names the one to change. */
  env: Record<string, string | undefined>;
  fetch: typeof fetch;
  /** What is being deployed, for the message: `pr-7`, `staging`. */
  what: string;
}

/**
 * Before a deploy's Terraform apply (servers, minutes, money): asks the Nomad, Consul and
 * Caddy admin API the run will drive whether they answer, once each, in parallel, within
 * PROBE_TIMEOUT_MS and without retries (the checks of `prenv doctor`). A PR runs on
 * production's cluster (`PRENV_*`); staging on its own (`PRENV_STAGING_*`). The one check of
 * `prenv deploy` and of the bot's deploy runs.
 *
 * Returns null when all answer, else the message naming each endpoint that failed: its
 * variable, its URL and the error (its caller adds what to do).
 */
export async function unansweredEndpoints(input: PreflightInput): Promise<string | null> {
  const checks = await probeCluster(input.cluster, input.settings, input.env, input.fetch);
  const failed = checks.filter((c) => c.status === 'error');
  if (failed.length === 0) return null;
  return (
    `not deploying ${input.what}: ${failed.length === 1 ? 'an endpoint' : `${failed.length} endpoints`} of ` +
    `${input.cluster} did not answer as needed (checked once, ${PROBE_TIMEOUT_MS / 1000} s each, before Terraform creates anything):\n` +
    failed.map((c) => `  - ${c.detail}`).join('\n')
  );
}

/**
 * `prenv deploy`'s preflight (see `unansweredEndpoints`). Throws a `CliError` (exit 3, a
 * `PRENV_` setting to fix) naming each endpoint that failed.
 */
export async function preflightEndpoints(input: PreflightInput): Promise<void> {
  const failure = await unansweredEndpoints(input);
  if (failure === null) return;
  throw new CliError(
    `${failure}\nFix the address or start the tunnel, then deploy again (\`prenv doctor\` checks them all); ` +
      '--skip-preflight deploys without this check.',
    ExitCode.config,
  );
}
