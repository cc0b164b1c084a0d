import type { ClusterEnvironment } from '../../core/model.js';
import type { RuntimeSettings } from '../../wiring/settings.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { probeCluster, PROBE_TIMEOUT_MS } from '../reach/endpoint-probe.js';

/**
 * Before a deploy's Terraform apply (servers, minutes, money): asks the Nomad, Consul and
 * Caddy admin API the run will drive whether they answer, once each, in parallel, within
 * PROBE_TIMEOUT_MS and without retries (the checks of `prenv doctor`). A PR runs on
 * production's cluster (`PRENV_*`); staging on its own (`PRENV_STAGING_*`).
 *
 * Throws a `CliError` (exit 3, a `PRENV_` setting to fix) naming each endpoint that failed:
 * its variable, its URL and the error.
 */
export async function preflightEndpoints(input: {
  cluster: ClusterEnvironment;
  settings: RuntimeSettings;
  env: Record<string, string | undefined>;
  fetch: typeof fetch;
  /** What is being deployed, for the message: `pr-7`, `staging`. */
  what: string;
}): Promise<void> {
  const checks = await probeCluster(input.cluster, input.settings, input.env, input.fetch);
  const failed = checks.filter((c) => c.status === 'error');
  if (failed.length === 0) return;
  throw new CliError(
    `not deploying ${input.what}: ${failed.length === 1 ? 'an endpoint' : `${failed.length} endpoints`} of ` +
      `${input.cluster} did not answer as needed (checked once, ${PROBE_TIMEOUT_MS / 1000} s each, before Terraform creates anything):\n` +
      failed.map((c) => `  - ${c.detail}`).join('\n') +
      '\nFix the address or start the tunnel, then deploy again (`prenv doctor` checks them all); ' +
      '--skip-preflight deploys without this check.',
    ExitCode.config,
  );
}
