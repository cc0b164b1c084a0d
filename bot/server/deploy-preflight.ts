import type { ClusterEnvironment } from '../core/model.js';
import { unansweredEndpoints } from '../cli/deploy/preflight.js';
import type { ClusterAddresses } from '../cli/reach/endpoint-probe.js';

/** Asks one cluster's endpoints before a run changes anything; throws when one does not answer. */
export type DeployPreflight = (
  cluster: ClusterEnvironment,
  what: string,
  addresses: ClusterAddresses,
) => Promise<void>;

/**
 * The bot's check before its deploy runs, the one `prenv deploy` makes (`unansweredEndpoints`):
 * a failure throws before Terraform starts, naming each endpoint's variable, URL and error, and
 * the run fails like any other (its log, the PR's comment, the retry policy). `env` holds the
 * variables the bot's settings were read from.
 */
export function deployPreflight(
  env: Record<string, string | undefined>,
  fetchFn: typeof fetch = fetch,
): DeployPreflight {
  return async (cluster, what, addresses) => {
    const failure = await unansweredEndpoints({
      cluster,
      settings: addresses,
      env,
      fetch: fetchFn,
      what,
    });
    if (failure === null) return;
    throw new Error(
      `${failure}\nFix the bot's variable or the endpoint (\`prenv doctor\` on the bot's node checks them all); ` +
        'the run is retried by the retry policy, or at once with `/deploy`.',
    );
  };
}
