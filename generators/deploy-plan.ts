import type { Config } from '../bot/config/config.js';
import { consulServiceName, envHost, envName, type EnvContext } from './env-context.js';
import { renderEnvironment, type RenderedFile } from './render-environment.js';
import type { TemplateSources } from './templates.js';
import { terraformVariables, type TerraformVariables } from './terraform/tfvars.js';

/** The Terraform state a step works on: `terraform/environments/<environment>` (+ PR number). */
export type PlanTarget =
  { environment: 'pr'; pr: number } | { environment: 'production' | 'staging' };

/**
 * One step of a deploy or destroy, in the order it runs. Every step is idempotent (Terraform
 * converges, Nomad registers the same job again, Caddy replaces the route by its `@id`), so a
 * run that stopped half-way is finished by running its plan again.
 */
export type DeployStep =
  /** Every Nomad job file against the jobspec schema, before anything changes. */
  | { kind: 'check-jobs'; files: RenderedFile[] }
  /**
   * `terraform init` + apply with the variables prenv owns (generators/terraform/variable-owners.ts).
   * `gate`: production and staging plan to a file first, refuse a plan that would update,
   * replace or delete a server (bot/runtime/server-changes.ts), then apply that saved plan.
   * A PR's node is disposable: it is applied directly, with production's facts added.
   */
  | { kind: 'terraform-apply'; target: PlanTarget; vars: TerraformVariables; gate: boolean }
  /** The PR's preview node registered and ready in Nomad (`prenv-pr-N` node pool). */
  | { kind: 'wait-preview-node'; pr: number }
  /** Every node Terraform's `node_names` output lists, ready in Nomad. */
  | { kind: 'wait-cluster-nodes'; env: 'production' | 'staging' }
  /** Register one job (with prenv's owner meta); a service job then waits for its deployment. */
  | { kind: 'submit-job'; file: RenderedFile }
  /**
   * The env's Caddy route: `add` puts the PR's route by its `@id`; `load` also writes the
   * production/staging entry that a restarted Caddy loads (bot/runtime/caddy-entry.ts).
   */
  | { kind: 'caddy-route'; name: string; route: Record<string, unknown>; mode: 'add' | 'load' }
  /** A Consul service passing its health check. */
  | { kind: 'wait-healthy'; service: string }
  /** The env's route requested through Caddy, answering as its health path must (route-probe.ts). */
  | { kind: 'probe'; host: string; env: EnvContext }
  | { kind: 'remove-route'; name: string }
  /** Stop and purge every Nomad job prenv owns for the env (job meta `prenv_env`). */
  | { kind: 'stop-jobs'; env: string }
  | { kind: 'terraform-destroy'; target: PlanTarget; vars: TerraformVariables };

export interface DeployPlan {
  /** `production`, `staging` or `pr-N`. */
  env: string;
  command: 'deploy' | 'destroy';
  /** `https://<host>` of the env. */
  url: string;
  steps: DeployStep[];
}

export interface DeployPlanInput {
  config: Config;
  templates: TemplateSources;
  /** The env and the commit to run (`sha`; a PR also its branch and title, for job meta). */
  env: EnvContext;
  /**
   * Whether the env's servers exist. A PR whose preview node exists only releases; a new one is
   * provisioned first. Production and staging always go through Terraform: it converges what
   * exists, and the server gate keeps it from replacing a server.
   */
  exists: boolean;
  /** Which checks the runner can make: Consul health checks and a probe through Caddy. */
  checks: { health: boolean; probe: boolean };
}

/**
 * The ordered steps of `prenv deploy` (and of the bot's provision + deploy of a PR): Terraform,
 * nodes, job checks and submissions, the Caddy route, then health checks. Pure: rendering
 * errors are thrown here (RenderError), before any step runs.
 */
export function deployPlan(input: DeployPlanInput): DeployPlan {
  const infrastructure =
    input.env.kind !== 'pr' || !input.exists ? infrastructureSteps(input.config, input.env) : [];
  const release = releaseSteps(input);
  // Production and staging check their jobs before Terraform changes anything.
  const steps =
    input.env.kind === 'pr'
      ? [...infrastructure, ...release]
      : [release[0]!, ...infrastructure, ...release.slice(1)];
  return {
    env: envName(input.env),
    command: 'deploy',
    url: envUrl(input.config, input.env),
    steps,
  };
}

/** The bot's provision of a PR: its Terraform step alone, before there is a commit to release. */
export function provisionPlan(config: Config, env: EnvContext): DeployPlan {
  return {
    env: envName(env),
    command: 'deploy',
    url: envUrl(config, env),
    steps: infrastructureSteps(config, env),
  };
}

/** The Terraform step that creates or converges the env's servers. */
function infrastructureSteps(config: Config, env: EnvContext): DeployStep[] {
  return [
    {
      kind: 'terraform-apply',
      target: planTarget(env),
      vars: terraformVariables(config, env),
      gate: env.kind !== 'pr',
    },
  ];
}

/** What runs on servers that exist: job checks, nodes, jobs, route, health. */
export function releaseSteps(input: Omit<DeployPlanInput, 'exists'>): DeployStep[] {
  const { config, env } = input;
  const files = renderEnvironment(config, env, input.templates);
  const jobs = files.filter((f) => f.kind === 'nomad-job');
  const steps: DeployStep[] = [{ kind: 'check-jobs', files: jobs }];
  steps.push(
    env.kind === 'pr'
      ? { kind: 'wait-preview-node', pr: env.number }
      : { kind: 'wait-cluster-nodes', env: env.kind },
  );
  for (const file of jobs) steps.push({ kind: 'submit-job', file });
  const route = files.find((f) => f.kind === 'caddy-route');
  if (route) {
    steps.push({
      kind: 'caddy-route',
      name: envName(env),
      route: JSON.parse(route.content) as Record<string, unknown>,
      mode: env.kind === 'pr' ? 'add' : 'load',
    });
  }
  if (input.checks.health) {
    for (const [name, svc] of Object.entries(config.services)) {
      if (svc.port === undefined || svc.count[env.kind] === 0) continue;
      steps.push({ kind: 'wait-healthy', service: consulServiceName(config, env, name) });
    }
  }
  if (input.checks.probe) steps.push({ kind: 'probe', host: envHost(config, env), env });
  return steps;
}

/** `prenv destroy` and the bot's destroy of a PR: route, jobs, then the servers. */
export function destroyPlan(config: Config, env: EnvContext): DeployPlan {
  return {
    env: envName(env),
    command: 'destroy',
    url: envUrl(config, env),
    steps: [
      { kind: 'remove-route', name: envName(env) },
      { kind: 'stop-jobs', env: envName(env) },
      { kind: 'terraform-destroy', target: planTarget(env), vars: terraformVariables(config, env) },
    ],
  };
}

/** One line per step, as `prenv plan` and logs show a plan. */
export function describeStep(step: DeployStep): string {
  switch (step.kind) {
    case 'check-jobs':
      return `check ${step.files.map((f) => f.path).join(', ') || 'no job files'}`;
    case 'terraform-apply':
      return `terraform apply ${targetName(step.target)}${step.gate ? ' (saved plan, server changes refused)' : ''}`;
    case 'wait-preview-node':
      return `wait for the preview node of pr-${step.pr} in Nomad`;
    case 'wait-cluster-nodes':
      return `wait for the ${step.env} nodes in Nomad`;
    case 'submit-job':
      return `submit ${step.file.path}`;
    case 'caddy-route':
      return `${step.mode} the Caddy route prenv-${step.name}`;
    case 'wait-healthy':
      return `wait for ${step.service} to pass its health check`;
    case 'probe':
      return `request ${step.host} through Caddy`;
    case 'remove-route':
      return `remove the Caddy route prenv-${step.name}`;
    case 'stop-jobs':
      return `stop the Nomad jobs of ${step.env}`;
    case 'terraform-destroy':
      return `terraform destroy ${targetName(step.target)}`;
  }
}

export function targetName(target: PlanTarget): string {
  return target.environment === 'pr' ? `pr-${target.pr}` : target.environment;
}

function planTarget(env: EnvContext): PlanTarget {
  return env.kind === 'pr' ? { environment: 'pr', pr: env.number } : { environment: env.kind };
}

function envUrl(config: Config, env: EnvContext): string {
  return `https://${envHost(config, env)}`;
}
