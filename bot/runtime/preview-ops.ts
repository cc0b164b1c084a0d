import type { Config } from '../config/config.js';
import type { EnvContext } from '../../generators/env-context.js';
import { consulServiceName, envHost, envName } from '../../generators/env-context.js';
import { terraformVariables } from '../../generators/terraform/tfvars.js';
import { renderEnvironment, type RenderedFile } from '../../generators/render-environment.js';
import type { ConsulKv } from '../adapters/consul/client.js';
import { requireSecrets } from './secret-check.js';
import type { TemplateSources } from '../../generators/templates.js';
import { checkJobFile } from '../../generators/validate/job-file.js';
import type { JobspecSchema } from '../../generators/validate/jobspec.js';
import type { CaddyAdminClient } from '../adapters/caddy/admin-client.js';
import type { ConsulServices } from '../adapters/consul/client.js';
import { listOwnedJobs, submitJob, waitForNode, type NomadApi } from '../adapters/nomad/index.js';
import { waitForAnswer, waitForJobDeployment } from './waits.js';
import type { TerraformRunner, TfTarget, TfVars } from '../adapters/terraform/index.js';
import type { EnvironmentOps, RunContext } from './environment-ops.js';
import { noMetrics, type MetricsRecorder } from '../core/metrics.js';
import { stepTimer } from './step-timer.js';

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
  /** When set, a deploy first checks every secret its jobs read exists (secret-check.ts). */
  secrets?: Pick<ConsulKv, 'keys'>;
  /** GET through Caddy with a Host header, returning the status; when set, a deploy ends only once it answers. */
  probe?: (host: string) => Promise<number>;
  /** Branch and title of the PR, for job meta; undefined when unknown. */
  describePull: (pr: number) => Promise<{ branch?: string; title?: string }>;
  timeouts?: { terraformMs?: number; nodeMs?: number; healthMs?: number };
  /** Times each Terraform, Nomad, Caddy, Consul and probe step. */
  metrics?: MetricsRecorder;
}

const DEFAULT_TIMEOUTS = { terraformMs: 20 * 60_000, nodeMs: 10 * 60_000, healthMs: 5 * 60_000 };

/** The real pipelines of a PR environment: Terraform → Nomad → Caddy → Consul health. */
export function previewOps(deps: PreviewOpsDeps): EnvironmentOps {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...deps.timeouts };
  const timed = stepTimer(deps.metrics ?? noMetrics);
  const target = (pr: number): TfTarget => ({ environment: 'pr', pr, dir: deps.terraformDir });

  const render = async (
    pr: number,
    sha: string,
  ): Promise<{ ctx: EnvContext; files: RenderedFile[] }> => {
    const about = await deps.describePull(pr);
    const ctx: EnvContext = { kind: 'pr', number: pr, sha, ...about };
    return { ctx, files: renderEnvironment(deps.config, ctx, deps.templates) };
  };

  const terraformVars = async (pr: number): Promise<TfVars> => ({
    ...(terraformVariables(deps.config, { kind: 'pr', number: pr }) as TfVars),
    ...(await deps.productionFacts()),
  });

  const tfOptions = (run: RunContext) => ({
    signal: run.signal,
    timeoutMs: timeouts.terraformMs,
    onProgress: (e: { type: string; message: string }) => {
      if (e.type === 'apply_complete' || e.type === 'change_summary' || e.type === 'diagnostic')
        run.step(e.message);
    },
  });

  return {
    async provision(pr, run) {
      run.step(`terraform apply pr-${pr}`);
      await timed('terraform', 'init', () => deps.terraform.init(target(pr), tfOptions(run)));
      const vars = await terraformVars(pr);
      await timed('terraform', 'apply', () =>
        deps.terraform.apply(target(pr), vars, tfOptions(run)),
      );
    },

    async deploy(pr, sha, run) {
      const { ctx, files } = await render(pr, sha);
      await requireSecrets(deps.secrets, envName(ctx), files);
      run.step(`waiting for the preview node of pr-${pr} in Nomad`);
      const node = await timed(
        'nomad',
        'wait_node',
        () =>
          waitForNode(deps.nomad, pr, {
            timeoutMs: timeouts.nodeMs,
            intervalMs: 2_000,
            signal: run.signal,
          }),
        (n) => n.ready,
      );
      if (!node.ready)
        throw new Error(
          `the preview node of pr-${pr} did not become ready in Nomad (${node.reason})`,
        );
      const owner = { project: deps.config.project, env: envName(ctx), pr, sha };
      for (const file of files.filter((f) => f.kind === 'nomad-job')) {
        const check = await checkJobFile(file.path, file.content, deps.schema);
        if (!check.ok) throw new Error(check.message);
        run.step(`submitting ${file.path}`);
        const job = await timed('nomad', 'submit', async () => {
          const parsed = await deps.nomad.parseJob(file.content);
          await submitJob(deps.nomad, parsed, owner);
          return parsed;
        });
        if (job.Type === undefined || job.Type === 'service') {
          run.step(`waiting for the Nomad deployment of ${job.ID ?? file.path}`);
          const deployment = await timed(
            'nomad',
            'wait_deployment',
            () =>
              waitForJobDeployment(deps.nomad, job.ID ?? '', {
                timeoutMs: timeouts.healthMs,
                pollMs: 500,
                signal: run.signal,
              }),
            (d) => d.status !== 'failed',
          );
          if (deployment.status === 'failed') {
            throw new Error(
              `the Nomad deployment of ${job.ID ?? file.path} failed: ${deployment.description}`,
            );
          }
        }
      }
      const route = files.find((f) => f.kind === 'caddy-route');
      if (route) {
        run.step('adding the Caddy route');
        await timed('caddy', 'add_route', () =>
          deps.caddy.addRoute(envName(ctx), JSON.parse(route.content) as Record<string, unknown>),
        );
      }
      for (const [name, svc] of Object.entries(deps.config.services)) {
        if (svc.port === undefined || svc.count.pr === 0) continue;
        const service = consulServiceName(deps.config, ctx, name);
        run.step(`waiting for ${service} to pass its health check`);
        const health = await timed(
          'consul',
          'wait_healthy',
          () => deps.consul.waitHealthy(service, { timeoutMs: timeouts.healthMs }),
          (h) => h.healthy,
        );
        if (!health.healthy)
          throw new Error(
            `${service} did not pass its Consul health check within ${timeouts.healthMs / 1000}s`,
          );
      }
      if (deps.probe) {
        const host = envHost(deps.config, ctx);
        run.step(`requesting http://${host}/ through Caddy`);
        await timed('probe', 'answer', () =>
          waitForAnswer(() => deps.probe!(host), host, {
            timeoutMs: timeouts.healthMs,
            pollMs: 250,
            signal: run.signal,
          }),
        );
      }
    },

    async destroy(pr, run) {
      const ctx: EnvContext = { kind: 'pr', number: pr };
      run.step('removing the Caddy route');
      await timed('caddy', 'remove_route', () => deps.caddy.removeRoute(envName(ctx)));
      const jobs = await listOwnedJobs(deps.nomad, {
        project: deps.config.project,
        env: envName(ctx),
      });
      for (const job of jobs) {
        run.step(`stopping ${job.ID}`);
        await timed('nomad', 'stop', () => deps.nomad.stopJob(job.ID, { purge: true }));
      }
      run.step(`terraform destroy pr-${pr}`);
      await timed('terraform', 'init', () => deps.terraform.init(target(pr), tfOptions(run)));
      const vars = await terraformVars(pr);
      await timed('terraform', 'destroy', () =>
        deps.terraform.destroy(target(pr), vars, tfOptions(run)),
      );
    },
  };
}
