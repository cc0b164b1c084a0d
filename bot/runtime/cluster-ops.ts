import type { Config } from '../config/config.js';
import type { ClusterEnvironment } from '../core/model.js';
import type { RouteProbe } from './route-probe.js';
import { deployPlan, destroyPlan, type DeployPlan } from '../../generators/deploy-plan.js';
import type { TemplateSources } from '../../generators/templates.js';
import type { JobspecSchema } from '../../generators/validate/jobspec.js';
import type { AddRouteOutcome, CaddyAdminClient } from '../adapters/caddy/admin-client.js';
import type { ConsulKv, ConsulServices } from '../adapters/consul/client.js';
import type { NomadApi } from '../adapters/nomad/index.js';
import type { TerraformRunner } from '../adapters/terraform/index.js';
import { executePlan, type ExecutorDeps } from './deploy-executor.js';

export { DeploymentFailedError } from './deploy-executor.js';

/** What a production or staging run reports: timed steps, and notes under the current step. */
export interface ClusterRun {
  signal?: AbortSignal;
  step(name: string): void;
  note(text: string): void;
}

export interface ClusterOpsDeps {
  config: Config;
  templates: TemplateSources;
  schema: JobspecSchema;
  terraform: TerraformRunner;
  /** `terraform/environments/<env>` of the env being deployed. */
  terraformDir: string;
  nomad: NomadApi;
  caddy: CaddyAdminClient;
  /** When set, a deploy also waits until each service passes its Consul health check. */
  consul?: ConsulServices;
  /** GET through Caddy with a Host header, returning the status; when set, a deploy waits for it. */
  probe?: RouteProbe;
  /** Consul KV: every secret the jobs read must exist before anything changes. */
  secrets?: Pick<ConsulKv, 'keys'>;
  timeouts?: Partial<typeof DEFAULT_TIMEOUTS>;
  pollMs?: number;
}

const DEFAULT_TIMEOUTS = {
  terraformMs: 30 * 60_000,
  nodesMs: 15 * 60_000,
  deploymentMs: 15 * 60_000,
  answerMs: 5 * 60_000,
};

export interface ClusterDeployResult {
  url: string;
  jobs: string[];
  route: AddRouteOutcome | 'loaded';
}

/**
 * The production and staging pipelines: the deploy plan (generators/deploy-plan.ts) of the env
 * — Terraform (saved plan, server gate) → Nomad (canary, auto-revert) → Caddy — run by the
 * one executor.
 */
export function clusterOps(deps: ClusterOpsDeps) {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...deps.timeouts };
  const pollMs = deps.pollMs ?? 1_000;
  const executor = (sha?: string): ExecutorDeps => ({
    config: deps.config,
    schema: deps.schema,
    terraform: deps.terraform,
    terraformDir: deps.terraformDir,
    nomad: deps.nomad,
    caddy: deps.caddy,
    ...(deps.consul ? { consul: deps.consul } : {}),
    ...(deps.probe ? { probe: deps.probe } : {}),
    ...(deps.secrets ? { secrets: deps.secrets } : {}),
    owner: sha ? { sha } : {},
    timeouts: { ...timeouts, healthMs: timeouts.answerMs },
    poll: { nodeMs: pollMs, deploymentMs: pollMs, answerMs: pollMs },
  });
  // Per-resource completions are not shown: the plan's summary before the apply says it all.
  const stepRun = (run: ClusterRun) => ({
    ...(run.signal ? { signal: run.signal } : {}),
    step: run.step,
    note: (text: string, kind: string) => {
      if (kind !== 'terraform-resource') run.note(text);
    },
  });

  /** The plan `deploy` runs; throws RenderError when the env does not render. */
  const plan = (env: ClusterEnvironment, sha: string | undefined): DeployPlan =>
    deployPlan({
      config: deps.config,
      templates: deps.templates,
      env: { kind: env, ...(sha ? { sha } : {}) },
      exists: true,
      checks: { health: deps.consul !== undefined, probe: deps.probe !== undefined },
    });

  return {
    plan,

    /**
     * Throws ServerChangeRefused before applying a plan that would update, replace or delete a
     * server, unless `allowServerChanges` (see server-changes.ts).
     */
    async deploy(
      env: ClusterEnvironment,
      sha: string | undefined,
      run: ClusterRun,
      options: { allowServerChanges?: boolean } = {},
    ): Promise<ClusterDeployResult> {
      const steps = plan(env, sha);
      const result = await executePlan(steps, executor(sha), stepRun(run), options);
      return { url: steps.url, jobs: result.jobs, route: result.route };
    },

    async destroy(env: ClusterEnvironment, run: ClusterRun) {
      await executePlan(destroyPlan(deps.config, { kind: env }), executor(), stepRun(run));
    },
  };
}

export type ClusterOps = ReturnType<typeof clusterOps>;
