import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Config } from '../config/config.js';
import type { DeployPlan, DeployStep, PlanTarget } from '../../generators/deploy-plan.js';
import { targetName } from '../../generators/deploy-plan.js';
import { checkJobFile } from '../../generators/validate/job-file.js';
import type { JobspecSchema } from '../../generators/validate/jobspec.js';
import type { AddRouteOutcome, CaddyAdminClient } from '../adapters/caddy/admin-client.js';
import type { ConsulKv, ConsulServices } from '../adapters/consul/client.js';
import { listOwnedJobs, submitJob, waitForNode, type NomadApi } from '../adapters/nomad/index.js';
import type {
  ApplySummary,
  ProgressEvent,
  TerraformRunner,
  TfTarget,
  TfVars,
} from '../adapters/terraform/index.js';
import { makeTempDir, removeTempDir } from '../adapters/system/temp-dirs.js';
import { noMetrics, type MetricsRecorder } from '../core/metrics.js';
import { loadEnvRoute } from './caddy-entry.js';
import { serverChangeRefusal, serverChanges, ServerChangeRefused } from './server-changes.js';
import { requireSecrets } from './secret-check.js';
import { stepTimer } from './step-timer.js';
import { waitForJobDeployment, waitForNamedNodes, waitForRoute } from './waits.js';
import type { RouteProbe } from './route-probe.js';
import type { ClusterEnvironment } from '../core/model.js';

/**
 * What a step tells while it runs, beside starting: `terraform` Terraform's plan and apply
 * summaries and diagnostics, `terraform-resource` each resource it finished, `detail` what a
 * step found (a server change, a job's diff, the route's outcome, the probe's answer).
 */
export type NoteKind = 'terraform' | 'terraform-resource' | 'detail';

/** Where a running plan reports; `signal` cancels it between and inside its waits. */
export interface StepRun {
  signal?: AbortSignal;
  step(name: string): void;
  note(text: string, kind: NoteKind): void;
}

export interface ExecutorDeps {
  config: Config;
  schema: JobspecSchema;
  terraform: TerraformRunner;
  /** `terraform/environments/<env>` of the env the plan is for. */
  terraformDir: string;
  /** Variables a PR's module reads from production's outputs, added at each PR apply/destroy. */
  productionFacts?: () => Promise<TfVars>;
  nomad: NomadApi;
  caddy: CaddyAdminClient;
  /** Consul KV, to check every secret the jobs read exists before anything changes. */
  secrets?: Pick<ConsulKv, 'keys'>;
  /** Needed by `wait-healthy` steps. */
  consul?: ConsulServices;
  /** Requests the env's route through Caddy (route-probe.ts); needed by `probe` steps. */
  probe?: RouteProbe;
  /** Owner meta of submitted jobs (`prenv_sha`, `prenv_pr`). */
  owner: { pr?: number; sha?: string };
  timeouts: ExecutorTimeouts;
  /** Poll intervals (ms) of the Nomad node, Nomad deployment and Caddy probe waits. */
  poll: { nodeMs: number; deploymentMs: number; answerMs: number };
  /** Times each Terraform, Nomad, Caddy, Consul and probe step. */
  metrics?: MetricsRecorder;
}

/** Milliseconds each kind of step may take before it fails. */
export interface ExecutorTimeouts {
  terraformMs: number;
  nodesMs: number;
  deploymentMs: number;
  healthMs: number;
  answerMs: number;
}

export interface ExecutionResult {
  /** Nomad job IDs submitted, in order. */
  jobs: string[];
  /** The Caddy route's outcome; `unchanged` when the plan had none. */
  route: AddRouteOutcome | 'loaded';
  /** How many steps ran. */
  ran: number;
}

/** A Nomad deployment that ended failed; `autoRevert` says whether Nomad rolls the job back. */
export class DeploymentFailedError extends Error {
  constructor(
    readonly jobId: string,
    readonly autoRevert: boolean,
    message: string,
  ) {
    super(message);
    this.name = 'DeploymentFailedError';
  }
}

/**
 * Runs a deploy or destroy plan (generators/deploy-plan.ts) step by step, in order, reporting
 * each on `run`. It stops at the first step that fails (the error is thrown as it came:
 * ServerChangeRefused, DeploymentFailedError, a Terraform or Nomad error) and when
 * `run.signal` aborts. Every step is idempotent: a plan that stopped is resumed by running it
 * again. `from` skips the first steps (ones a caller knows are done).
 */
export async function executePlan(
  plan: DeployPlan,
  deps: ExecutorDeps,
  run: StepRun,
  options: { allowServerChanges?: boolean; from?: number } = {},
): Promise<ExecutionResult> {
  const timed = stepTimer(deps.metrics ?? noMetrics);
  const signal = run.signal ? { signal: run.signal } : {};
  const result: ExecutionResult = { jobs: [], route: 'unchanged', ran: 0 };
  let nodeNames: string[] = [];

  const target = (t: PlanTarget): TfTarget => ({ ...t, dir: deps.terraformDir });
  const tfVars = async (t: PlanTarget, vars: TfVars): Promise<TfVars> =>
    t.environment === 'pr' && deps.productionFacts
      ? { ...vars, ...(await deps.productionFacts()) }
      : vars;
  const tfOptions = {
    ...signal,
    timeoutMs: deps.timeouts.terraformMs,
    onProgress: (e: ProgressEvent) => {
      if (e.type === 'change_summary' || e.type === 'diagnostic') run.note(e.message, 'terraform');
      else if (e.type === 'apply_complete') run.note(e.message, 'terraform-resource');
    },
  };
  const wait = (timeoutMs: number, pollMs: number) => ({ timeoutMs, pollMs, ...signal });

  const steps: Record<DeployStep['kind'], (step: never) => Promise<void>> = {
    'check-jobs': async (step: Extract<DeployStep, { kind: 'check-jobs' }>) => {
      for (const file of step.files) {
        const check = await checkJobFile(file.path, file.content, deps.schema);
        if (!check.ok) throw new Error(check.message);
      }
      await requireSecrets(deps.secrets, plan.env, step.files);
    },

    'terraform-apply': async (step: Extract<DeployStep, { kind: 'terraform-apply' }>) => {
      const name = targetName(step.target);
      const where = target(step.target);
      if (!step.gate) {
        run.step(`terraform apply ${name}`);
        await timed('terraform', 'init', () => deps.terraform.init(where, tfOptions));
        const vars = await tfVars(step.target, step.vars);
        const applied = await timed('terraform', 'apply', () =>
          deps.terraform.apply(where, vars, tfOptions),
        );
        nodeNames = stringList(applied.outputs.node_names);
        return;
      }
      run.step(`terraform plan ${name}`);
      await timed('terraform', 'init', () => deps.terraform.init(where, tfOptions));
      // The apply runs the saved plan, so what it changes is exactly what the gate below saw
      // (a fresh apply would plan again). The file holds the variables: a private directory.
      const planDir = await makeTempDir(path.join(tmpdir(), 'prenv-plan-'));
      try {
        const planFile = path.join(planDir, `${name}.tfplan`);
        const vars = await tfVars(step.target, step.vars);
        const planned = await timed('terraform', 'plan', () =>
          deps.terraform.plan(where, vars, { ...tfOptions, out: planFile }),
        );
        for (const change of serverChanges(planned.resourceChanges))
          run.note(`${change.action} ${change.address}`, 'detail');
        const refusal = serverChangeRefusal(
          step.target.environment as ClusterEnvironment,
          planned.resourceChanges,
          options.allowServerChanges ?? false,
        );
        if (refusal) throw new ServerChangeRefused(refusal);
        run.step(`terraform apply ${name}`);
        const applied: ApplySummary = await timed('terraform', 'apply', () =>
          deps.terraform.applySaved(where, planFile, vars, tfOptions),
        );
        nodeNames = stringList(applied.outputs.node_names);
      } finally {
        await removeTempDir(planDir);
      }
    },

    'wait-preview-node': async (step: Extract<DeployStep, { kind: 'wait-preview-node' }>) => {
      run.step(`waiting for the preview node of pr-${step.pr} in Nomad`);
      const node = await timed(
        'nomad',
        'wait_node',
        () =>
          waitForNode(deps.nomad, step.pr, {
            timeoutMs: deps.timeouts.nodesMs,
            intervalMs: deps.poll.nodeMs,
            ...signal,
          }),
        (n) => n.ready,
      );
      if (!node.ready)
        throw new Error(
          `the preview node of pr-${step.pr} did not become ready in Nomad (${node.reason})`,
        );
    },

    'wait-cluster-nodes': async (step: Extract<DeployStep, { kind: 'wait-cluster-nodes' }>) => {
      // The names come from the apply this run made; a run started after it has none to wait for.
      if (nodeNames.length === 0) return;
      run.step(`waiting for ${nodeNames.length} ${step.env} node(s) in Nomad`);
      await timed('nomad', 'wait_node', () =>
        waitForNamedNodes(deps.nomad, nodeNames, wait(deps.timeouts.nodesMs, deps.poll.nodeMs)),
      );
    },

    'submit-job': async (step: Extract<DeployStep, { kind: 'submit-job' }>) => {
      const { file } = step;
      run.step(`submitting ${file.path}`);
      const owner = { project: deps.config.project, env: plan.env, ...deps.owner };
      const { job, summary } = await timed('nomad', 'submit', async () => {
        const parsed = await deps.nomad.parseJob(file.content);
        return { job: parsed, ...(await submitJob(deps.nomad, parsed, owner)) };
      });
      run.note(summary.text, 'detail');
      const id = job.ID ?? file.path;
      result.jobs.push(id);
      if (job.Type !== undefined && job.Type !== 'service') return;
      run.step(`waiting for the Nomad deployment of ${id}`);
      const deployment = await timed(
        'nomad',
        'wait_deployment',
        () =>
          waitForJobDeployment(
            deps.nomad,
            id,
            wait(deps.timeouts.deploymentMs, deps.poll.deploymentMs),
          ),
        (d) => d.status !== 'failed',
      );
      if (deployment.status === 'failed') throw deploymentFailed(id, deployment);
    },

    'caddy-route': async (step: Extract<DeployStep, { kind: 'caddy-route' }>) => {
      if (step.mode === 'add') {
        run.step('adding the Caddy route');
        result.route = await timed('caddy', 'add_route', () =>
          deps.caddy.addRoute(step.name, step.route),
        );
      } else {
        run.step('loading the Caddy route');
        const env = step.name as ClusterEnvironment;
        result.route = await timed('caddy', 'add_route', () =>
          loadEnvRoute(deps.caddy, deps.config, env, step.route),
        );
      }
      run.note(`route prenv-${step.name}: ${result.route}`, 'detail');
    },

    'wait-healthy': async (step: Extract<DeployStep, { kind: 'wait-healthy' }>) => {
      const consul = required(deps.consul, 'a Consul client', step);
      run.step(`waiting for ${step.service} to pass its health check`);
      const health = await timed(
        'consul',
        'wait_healthy',
        () => consul.waitHealthy(step.service, { timeoutMs: deps.timeouts.healthMs }),
        (h) => h.healthy,
      );
      if (!health.healthy)
        throw new Error(
          `${step.service} did not pass its Consul health check within ${deps.timeouts.healthMs / 1000}s`,
        );
    },

    probe: async (step: Extract<DeployStep, { kind: 'probe' }>) => {
      const probe = required(deps.probe, 'a probe through Caddy', step);
      run.step(`requesting ${step.host} through Caddy`);
      const verdict = await timed('probe', 'answer', () =>
        waitForRoute(() => probe(step.env), wait(deps.timeouts.answerMs, deps.poll.answerMs)),
      );
      run.note(verdict.text, 'detail');
    },

    'remove-route': async (step: Extract<DeployStep, { kind: 'remove-route' }>) => {
      run.step('removing the Caddy route');
      const outcome = await timed('caddy', 'remove_route', () => deps.caddy.removeRoute(step.name));
      run.note(`route prenv-${step.name}: ${outcome}`, 'detail');
    },

    'stop-jobs': async (step: Extract<DeployStep, { kind: 'stop-jobs' }>) => {
      const jobs = await listOwnedJobs(deps.nomad, { project: deps.config.project, env: step.env });
      for (const job of jobs) {
        run.step(`stopping ${job.ID}`);
        await timed('nomad', 'stop', () => deps.nomad.stopJob(job.ID, { purge: true }));
      }
    },

    'terraform-destroy': async (step: Extract<DeployStep, { kind: 'terraform-destroy' }>) => {
      const where = target(step.target);
      run.step(`terraform destroy ${targetName(step.target)}`);
      await timed('terraform', 'init', () => deps.terraform.init(where, tfOptions));
      const vars = await tfVars(step.target, step.vars);
      await timed('terraform', 'destroy', () => deps.terraform.destroy(where, vars, tfOptions));
    },
  };

  for (const step of plan.steps.slice(options.from ?? 0)) {
    run.signal?.throwIfAborted();
    await steps[step.kind](step as never);
    result.ran += 1;
  }
  return result;
}

function required<T>(value: T | undefined, what: string, step: DeployStep): T {
  if (value === undefined) throw new Error(`the ${step.kind} step needs ${what}, and none is set`);
  return value;
}

function deploymentFailed(
  id: string,
  result: { description: string; autoRevert: boolean; revertedTo: number | null },
): DeploymentFailedError {
  const revert = result.autoRevert
    ? result.revertedTo !== null
      ? ` Nomad auto-reverted ${id} to version ${result.revertedTo}; the previous release keeps serving.`
      : ` auto_revert is on: Nomad rolls ${id} back to its last stable version.`
    : '';
  return new DeploymentFailedError(
    id,
    result.autoRevert,
    `the Nomad deployment of ${id} failed (${result.description}).${revert} ` +
      `See \`nomad job status ${id}\` and the allocation logs.`,
  );
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
