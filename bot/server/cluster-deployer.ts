import type { Config } from '../config/config.js';
import { durationMs } from '../config/duration.js';
import type { Logger } from '../core/logger.js';
import type { ClusterEnvironment } from '../core/model.js';
import type { DeployOnPush } from '../core/plan-context.js';
import { createCaddyAdminClient } from '../adapters/caddy/admin-client.js';
import { createConsulClient } from '../adapters/consul/client.js';
import { createNomadClient } from '../adapters/nomad/index.js';
import { loadJobspecSchema } from '../adapters/nomad/jobspec-schema-file.js';
import { loadTemplates } from '../adapters/templates/load-templates.js';
import { CADDY_SERVER_NAME } from '../../generators/caddy/route-json.js';
import type { ClusterDeployer } from '../runtime/cluster-deploy-executor.js';
import { routeProbe } from '../runtime/route-probe.js';
import {
  clusterModuleDir,
  type ClusterEndpoints,
  type RuntimeSettings,
} from '../wiring/settings.js';
import type { Ports } from '../wiring/ports.js';
import type { DeployPreflight } from './deploy-preflight.js';

/** How often a commit whose checks are pending is read again on ticks, at most (ms). */
const CHECK_EVERY_MS = 30_000;

/** The planner's `deployOnPush` from `prenv.yml`'s `deploy_on_push`. */
export function deployOnPushContext(config: Config): DeployOnPush {
  const { production, staging, checks, checks_timeout } = config.deploy_on_push;
  return {
    production: production ?? null,
    staging,
    checks: checks ?? null,
    checksTimeoutMs: durationMs(checks_timeout),
    checkEveryMs: CHECK_EVERY_MS,
    url: (environment) => `https://${config.environments[environment].host}`,
  };
}

/**
 * The bot's deploys of production and staging: the pipeline `prenv deploy production|staging`
 * runs (`clusterOps`), on Terraform's `terraform/environments/<env>` beside the PR module. It
 * never changes servers (a plan that would is refused: run `prenv deploy` with
 * `--allow-server-changes`). Staging uses its own addresses when `PRENV_STAGING_*` are set.
 */
export function clusterDeployer(input: {
  config: Config;
  settings: RuntimeSettings;
  ports: Ports;
  cwd: string;
  logger: Logger;
  /** Checks the cluster's endpoints before each deploy changes anything. */
  preflight?: DeployPreflight;
}): ClusterDeployer {
  const { config, settings, ports, cwd, logger } = input;
  const production: ClusterEndpoints = {
    nomad: settings.nomad,
    consul: settings.consul,
    caddyAdminUrl: settings.caddyAdminUrl,
    ...(settings.caddyHttpUrl ? { caddyHttpUrl: settings.caddyHttpUrl } : {}),
  };
  const clients = (environment: ClusterEnvironment) => {
    const at = environment === 'staging' ? settings.stagingCluster : undefined;
    if (!at)
      return {
        nomad: ports.nomad,
        caddy: ports.caddy,
        consul: ports.consul,
        http: production.caddyHttpUrl,
      };
    const token = (t?: string) => (t ? { token: t } : {});
    return {
      nomad: createNomadClient({ baseUrl: at.nomad.url, fetch, logger, ...token(at.nomad.token) }),
      caddy: createCaddyAdminClient({
        baseUrl: at.caddyAdminUrl,
        fetch,
        server: CADDY_SERVER_NAME,
        logger,
      }),
      consul: createConsulClient({
        baseUrl: at.consul.url,
        fetch,
        logger,
        ...token(at.consul.token),
      }),
      http: at.caddyHttpUrl,
    };
  };
  return {
    async deploy(environment, sha, run) {
      if (input.preflight) {
        run.step("checking that Nomad, Consul and Caddy's admin API answer");
        const at = environment === 'staging' ? settings.stagingCluster : undefined;
        await input.preflight(environment, environment, at ?? production);
      }
      const { nomad, caddy, consul, http } = clients(environment);
      // The deploy pipeline (generators, Handlebars) loads with the first deploy, not at start.
      const { clusterOps } = await import('../runtime/cluster-ops.js');
      const ops = clusterOps({
        config,
        templates: await loadTemplates(),
        schema: loadJobspecSchema(),
        terraform: ports.terraform,
        terraformDir: clusterModuleDir(cwd, settings, environment),
        nomad,
        caddy,
        consul: consul.services,
        ...(http ? { probe: routeProbe({ config, entry: http }) } : {}),
      });
      return ops.deploy(environment, sha, run);
    },
  };
}
