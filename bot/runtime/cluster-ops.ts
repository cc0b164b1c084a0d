import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { consulServiceName, envHost, type EnvContext } from '../../generators/env-context.js';
import { renderEnvironment } from '../../generators/render-environment.js';
import type { ConsulKv } from '../adapters/consul/client.js';
import { requireSecrets } from './secret-check.js';
import type { TemplateSources } from '../../generators/templates.js';
import { terraformVariables } from '../../generators/terraform/tfvars.js';
import { checkJobFile } from '../../generators/validate/job-file.js';
import type { JobspecSchema } from '../../generators/validate/jobspec.js';
import type { AddRouteOutcome, CaddyAdminClient } from '../adapters/caddy/admin-client.js';
import type { ConsulServices } from '../adapters/consul/client.js';
import { listOwnedJobs, submitJob, type NomadApi } from '../adapters/nomad/index.js';
import type {
  ApplySummary,
  ProgressEvent,
  TerraformRunner,
  TfTarget,
  TfVars,
} from '../adapters/terraform/index.js';
import { loadEnvRoute } from './caddy-entry.js';
import { serverChangeRefusal, serverChanges, ServerChangeRefused } from './server-changes.js';
import { waitForAnswer, waitForJobDeployment, waitForNamedNodes } from './waits.js';

export type ClusterEnv = 'production' | 'staging';

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
  /** When set, a deploy first checks every secret its jobs read exists (secret-check.ts). */
  secrets?: Pick<ConsulKv, 'keys'>;
  /** GET through Caddy with a Host header, returning the status; when set, a deploy waits for it. */
  probe?: (host: string) => Promise<number>;
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

/** The production and staging pipelines: Terraform → Nomad (canary, auto-revert) → Caddy. */
export function clusterOps(deps: ClusterOpsDeps) {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...deps.timeouts };
  const pollMs = deps.pollMs ?? 1_000;
  const target = (env: ClusterEnv): TfTarget => ({ environment: env, dir: deps.terraformDir });
  // Only the variables prenv owns (generators/terraform/variable-owners.ts).
  const vars = (env: ClusterEnv): TfVars =>
    terraformVariables(deps.config, { kind: env }) as TfVars;
  const tfOptions = (run: ClusterRun) => ({
    ...(run.signal ? { signal: run.signal } : {}),
    timeoutMs: timeouts.terraformMs,
    onProgress: (e: ProgressEvent) => {
      if (e.type === 'change_summary' || e.type === 'diagnostic') run.note(e.message);
    },
  });
  const wait = (timeoutMs: number, run: ClusterRun) => ({
    timeoutMs,
    pollMs,
    ...(run.signal ? { signal: run.signal } : {}),
  });

  return {
    /**
     * Throws ServerChangeRefused before applying a plan that would update, replace or delete a
     * server, unless `allowServerChanges` (see server-changes.ts).
     */
    async deploy(
      env: ClusterEnv,
      sha: string | undefined,
      run: ClusterRun,
      options: { allowServerChanges?: boolean } = {},
    ) {
      const ctx: EnvContext = { kind: env, ...(sha ? { sha } : {}) };
      const files = renderEnvironment(deps.config, ctx, deps.templates);
      const jobFiles = files.filter((f) => f.kind === 'nomad-job');
      for (const file of jobFiles) {
        const check = await checkJobFile(file.path, file.content, deps.schema);
        if (!check.ok) throw new Error(check.message);
      }
      await requireSecrets(deps.secrets, env, files);

      run.step(`terraform plan ${env}`);
      await deps.terraform.init(target(env), tfOptions(run));
      // The apply runs the saved plan, so what it changes is exactly what the gate below saw
      // (a fresh apply would plan again). The file holds the variables: a private directory.
      const planDir = await mkdtemp(path.join(tmpdir(), 'prenv-plan-'));
      let applied: ApplySummary;
      try {
        const planFile = path.join(planDir, `${env}.tfplan`);
        const tfVars = vars(env);
        const plan = await deps.terraform.plan(target(env), tfVars, {
          ...tfOptions(run),
          out: planFile,
        });
        for (const change of serverChanges(plan.resourceChanges)) {
          run.note(`${change.action} ${change.address}`);
        }
        const refusal = serverChangeRefusal(
          env,
          plan.resourceChanges,
          options.allowServerChanges ?? false,
        );
        if (refusal) throw new ServerChangeRefused(refusal);

        run.step(`terraform apply ${env}`);
        applied = await deps.terraform.applySaved(target(env), planFile, tfVars, tfOptions(run));
      } finally {
        await rm(planDir, { recursive: true, force: true });
      }
      const nodes = stringList(applied.outputs.node_names);
      if (nodes.length > 0) {
        run.step(`waiting for ${nodes.length} ${env} node(s) in Nomad`);
        await waitForNamedNodes(deps.nomad, nodes, wait(timeouts.nodesMs, run));
      }

      const owner = { project: deps.config.project, env, ...(sha ? { sha } : {}) };
      const jobs: string[] = [];
      for (const file of jobFiles) {
        run.step(`submitting ${file.path}`);
        const job = await deps.nomad.parseJob(file.content);
        const { summary } = await submitJob(deps.nomad, job, owner);
        run.note(summary.text);
        const id = job.ID ?? file.path;
        jobs.push(id);
        if (job.Type !== undefined && job.Type !== 'service') continue;
        run.step(`waiting for the Nomad deployment of ${id}`);
        const result = await waitForJobDeployment(deps.nomad, id, wait(timeouts.deploymentMs, run));
        if (result.status === 'failed') throw deploymentFailed(id, result);
      }

      const route = files.find((f) => f.kind === 'caddy-route');
      let routeOutcome: AddRouteOutcome | 'loaded' = 'unchanged';
      if (route) {
        run.step('loading the Caddy route');
        const json = JSON.parse(route.content) as Record<string, unknown>;
        routeOutcome = await loadEnvRoute(deps.caddy, deps.config, env, json);
        run.note(`route prenv-${env}: ${routeOutcome}`);
      }
      for (const [name, svc] of Object.entries(deps.config.services)) {
        if (!deps.consul || svc.port === undefined || svc.count[env] === 0) continue;
        const service = consulServiceName(deps.config, ctx, name);
        run.step(`waiting for ${service} to pass its health check`);
        const health = await deps.consul.waitHealthy(service, { timeoutMs: timeouts.answerMs });
        if (!health.healthy)
          throw new Error(
            `${service} did not pass its Consul health check within ${timeouts.answerMs / 1000}s`,
          );
      }
      const host = envHost(deps.config, ctx);
      if (deps.probe) {
        run.step(`requesting http://${host}/ through Caddy`);
        const probe = deps.probe;
        const status = await waitForAnswer(() => probe(host), host, wait(timeouts.answerMs, run));
        run.note(`answered ${status}`);
      }
      return { url: `https://${host}`, jobs, route: routeOutcome } satisfies ClusterDeployResult;
    },

    async destroy(env: ClusterEnv, run: ClusterRun) {
      run.step('removing the Caddy route');
      run.note(`route prenv-${env}: ${await deps.caddy.removeRoute(env)}`);
      const jobs = await listOwnedJobs(deps.nomad, { project: deps.config.project, env });
      for (const job of jobs) {
        run.step(`stopping ${job.ID}`);
        await deps.nomad.stopJob(job.ID, { purge: true });
      }
      run.step(`terraform destroy ${env}`);
      await deps.terraform.init(target(env), tfOptions(run));
      await deps.terraform.destroy(target(env), vars(env), tfOptions(run));
    },
  };
}

export type ClusterOps = ReturnType<typeof clusterOps>;

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
