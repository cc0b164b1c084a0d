import path from 'node:path';
import { RenderError } from '../../../generators/errors.js';
import { redact } from '../../core/redact.js';
import { routeProbe } from '../../runtime/route-probe.js';
import { deployBot } from '../../runtime/bot-deploy.js';
import { webhookHostOf } from '../../../generators/nomad/webhook-host.js';
import { loadJobspecSchema } from '../../adapters/nomad/jobspec-schema-file.js';
import { loadCliTemplates } from '../cli-templates.js';
import type { ClusterEnvironment } from '../../core/model.js';
import { clusterOps, DeploymentFailedError } from '../../runtime/cluster-ops.js';
import { ServerChangeRefused } from '../../runtime/server-changes.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { renderFailure } from '../render-failure.js';
import { catchInterrupts } from './interrupt.js';
import type { Progress } from './progress.js';
import type { Outcome } from './report.js';
import { clusterTerraformDir, type CliRuntime } from './runtime.js';

/** Runs the production or staging pipeline with progress; failures become an outcome to report. */
export async function runClusterCommand(input: {
  ctx: CliContext;
  runtime: CliRuntime;
  env: ClusterEnvironment;
  command: 'deploy' | 'destroy';
  sha: string | undefined;
  progress: Progress;
  allowServerChanges?: boolean;
}): Promise<Outcome> {
  const { ctx, runtime, env, progress } = input;
  const { config, settings, ports } = runtime;
  const caddyHttp = settings.caddyHttpUrl;
  const bot = webhookHostOf(config, settings.webhookHost, 'PRENV_WEBHOOK_HOST');
  if (input.command === 'deploy' && env === 'production' && settings.botImage && bot.clash)
    throw new CliError(bot.clash, ExitCode.config);
  const templates = await loadCliTemplates(ctx);
  const schema = loadJobspecSchema();
  const ops = clusterOps({
    config,
    templates,
    schema,
    terraform: ports.terraform,
    terraformDir: clusterTerraformDir(ctx, settings, env),
    nomad: ports.nomad,
    caddy: ports.caddy,
    consul: ports.consul.services,
    secrets: ports.consul.kv,
    ...(caddyHttp ? { probe: routeProbe({ config, entry: caddyHttp }) } : {}),
    pollMs: 500,
  });
  // Ctrl-C or a cancelled CI job stops the pipeline at a safe point (Terraform gets SIGINT).
  const stop = new AbortController();
  const interrupts = catchInterrupts(ctx, () => stop.abort());
  const run = {
    signal: stop.signal,
    step: (name: string) => {
      // No new step starts once stopped; the step in flight ends first.
      stop.signal.throwIfAborted();
      progress.start(name);
    },
    note: (t: string) => progress.note(t),
  };
  try {
    if (input.command === 'destroy') {
      await ops.destroy(env, run);
      progress.endAll('ok');
      return { outcome: 'destroyed' };
    }
    const result = await ops.deploy(env, input.sha, run, {
      allowServerChanges: input.allowServerChanges ?? false,
    });
    if (env === 'production' && settings.botImage) {
      await deployBot(
        {
          config,
          templates,
          schema,
          nomad: ports.nomad,
          caddy: ports.caddy,
          ...(caddyHttp ? { entry: caddyHttp } : {}),
          wait: { timeoutMs: 5 * 60_000, pollMs: 500 },
        },
        { image: settings.botImage, host: bot.host },
        run,
      );
    }
    progress.endAll('ok');
    return { outcome: 'deployed', url: result.url };
  } catch (err) {
    progress.endAll('failed');
    if (interrupts.signal !== null) {
      const error =
        `${input.command} stopped at a safe point; the pipeline is idempotent: run ` +
        `\`prenv ${input.command} ${env}\` again to finish it`;
      return { outcome: 'interrupted', signal: interrupts.signal, error };
    }
    if (err instanceof ServerChangeRefused) throw new CliError(err.message, ExitCode.refused);
    if (err instanceof RenderError)
      throw renderFailure(env, err, path.relative(ctx.cwd, runtime.configPath), ctx.cwd);
    const error = redact(err instanceof Error ? err.message : String(err), settings.secrets);
    const reverted = err instanceof DeploymentFailedError && err.autoRevert;
    return { outcome: reverted ? 'reverted' : 'failed', error };
  } finally {
    interrupts.dispose();
  }
}
