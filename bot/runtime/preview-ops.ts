import type { Config } from '../config/config.js';
import { deployPlan, destroyPlan, provisionPlan } from '../../generators/deploy-plan.js';
import type { TemplateSources } from '../../generators/templates.js';
import type { JobspecSchema } from '../../generators/validate/jobspec.js';
import type { CaddyAdminClient } from '../adapters/caddy/admin-client.js';
import type { ConsulKv, ConsulServices } from '../adapters/consul/client.js';
import type { NomadApi } from '../adapters/nomad/index.js';
import type { TerraformRunner, TfVars } from '../adapters/terraform/index.js';
import type { MetricsRecorder } from '../core/metrics.js';
import { executePlan, type ExecutorDeps, type StepRun } from './deploy-executor.js';
import type { RouteProbe } from './route-probe.js';
import type { EnvironmentOps, RunContext } from './environment-ops.js';

export interface PreviewOpsDeps {
  config: Config;
  templates: TemplateSources;
  schema: JobspecSchema;
  terraform: TerraformRunner;
  /** `terraform/environments/pr` */
  terraformDir: string;
  /**
   * What the PR module needs from production (network_id, server_private_ips, ssh_key_names,
   * consul_encrypt_key), read from production's Terraform outputs at each provision.
   */
  productionFacts: () => Promise<TfVars>;
  nomad: NomadApi;
  caddy: CaddyAdminClient;
  consul: ConsulServices;
  /** GET through Caddy with a Host header, returning the status; when set, a deploy ends only once it answers. */
  probe?: RouteProbe;
  /** Consul KV: every secret the jobs read must exist before anything changes. */
  secrets?: Pick<ConsulKv, 'keys'>;
  /** Branch and title of the PR, for job meta; undefined when unknown. */
  describePull: (pr: number) => Promise<{ branch?: string; title?: string }>;
  timeouts?: { terraformMs?: number; nodeMs?: number; healthMs?: number };
  /** Times each Terraform, Nomad, Caddy, Consul and probe step. */
  metrics?: MetricsRecorder;
  /**
   * Asked before a provision or deploy changes anything, with `pr-N`: throws (the run fails,
   * and is retried as any failed run) when Nomad, Consul or Caddy's admin API does not answer.
   */
  preflight?: (what: string) => Promise<void>;
}

const DEFAULT_TIMEOUTS = { terraformMs: 20 * 60_000, nodeMs: 10 * 60_000, healthMs: 5 * 60_000 };

/**
 * The bot's PR pipelines: the deploy plan (generators/deploy-plan.ts) of `pr-N`, run by the
 * one executor. Provision runs its Terraform step, deploy the release steps; the planner
 * decides which the environment needs.
 */
export function previewOps(deps: PreviewOpsDeps): EnvironmentOps {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...deps.timeouts };
  const executor = (pr: number, sha?: string): ExecutorDeps => ({
    config: deps.config,
    schema: deps.schema,
    terraform: deps.terraform,
    terraformDir: deps.terraformDir,
    productionFacts: deps.productionFacts,
    nomad: deps.nomad,
    caddy: deps.caddy,
    consul: deps.consul,
    ...(deps.probe ? { probe: deps.probe } : {}),
    ...(deps.secrets ? { secrets: deps.secrets } : {}),
    owner: { pr, ...(sha ? { sha } : {}) },
    timeouts: {
      terraformMs: timeouts.terraformMs,
      nodesMs: timeouts.nodeMs,
      deploymentMs: timeouts.healthMs,
      healthMs: timeouts.healthMs,
      answerMs: timeouts.healthMs,
    },
    poll: { nodeMs: 2_000, deploymentMs: 500, answerMs: 250 },
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });

  const checkEndpoints = async (pr: number, run: RunContext) => {
    if (!deps.preflight) return;
    run.step("checking that Nomad, Consul and Caddy's admin API answer");
    await deps.preflight(`pr-${pr}`);
  };

  return {
    async provision(pr, run) {
      await checkEndpoints(pr, run);
      const plan = provisionPlan(deps.config, { kind: 'pr', number: pr });
      await executePlan(plan, executor(pr), stepRun(run));
    },

    async deploy(pr, sha, run) {
      await checkEndpoints(pr, run);
      const about = await deps.describePull(pr);
      const plan = deployPlan({
        config: deps.config,
        templates: deps.templates,
        env: { kind: 'pr', number: pr, sha, ...about },
        exists: true,
        checks: { health: true, probe: deps.probe !== undefined },
      });
      await executePlan(plan, executor(pr, sha), stepRun(run));
    },

    async destroy(pr, run) {
      await executePlan(
        destroyPlan(deps.config, { kind: 'pr', number: pr }),
        executor(pr),
        stepRun(run),
      );
    },
  };
}

/** A PR run shows Terraform's own lines as steps of its log; the rest of the detail is not shown. */
function stepRun(run: RunContext): StepRun {
  return {
    signal: run.signal,
    step: run.step,
    note: (text, kind) => {
      if (kind !== 'detail') run.step(text);
    },
  };
}
