import { holdsSlot } from '../../core/slots.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { ActionInput } from '../command-spec.js';
import { runClusterCommand } from '../deploy/cluster-run.js';
import { confirmChange } from '../deploy/confirm.js';
import { Progress } from '../deploy/progress.js';
import { runPrCommand } from '../deploy/pr-run.js';
import { resolvePrTarget } from '../deploy/pr-target.js';
import { printReport } from '../deploy/report.js';
import { loadConfigFile, openRuntime, type CliRuntime } from '../deploy/runtime.js';
import { cliActor, parseTarget, type CliTarget } from '../deploy/target-args.js';

interface DestroyOptions {
  yes?: boolean;
  json?: boolean;
}

export async function action({
  ctx,
  program,
  args,
  opts,
}: ActionInput<DestroyOptions>): Promise<ExitCodeValue> {
  const [env, number] = args as [string, string | undefined];
  const target = parseTarget('destroy', env, number);
  const configFile = program.opts<{ config: string }>().config;
  return destroy(ctx, target, configFile, opts);
}

async function destroy(
  ctx: CliContext,
  target: CliTarget,
  configFile: string,
  opts: DestroyOptions,
): Promise<ExitCodeValue> {
  const loaded = await loadConfigFile(ctx, configFile);
  if (target.kind !== 'pr') {
    await confirmChange(ctx, {
      yes: opts.yes,
      project: loaded.config.project,
      what: `Destroying ${target.kind} of ${loaded.config.project}: its servers, jobs and route`,
    });
  }
  const progress = new Progress({
    write: ctx.stderr,
    tty: ctx.isTTY,
    now: () => ctx.now().getTime(),
  });
  const runtime = await openRuntime(ctx, loaded, target.kind);
  try {
    if (target.kind === 'pr') {
      const prTarget = await resolvePrTarget({
        config: runtime.config,
        pr: target.pr,
        command: 'destroy',
        sha: undefined,
        github: null,
        known: (await runtime.ports.store.loadWorld()).world.envs[target.pr]?.pull,
      });
      const result = await runPrCommand({
        runtime,
        target: prTarget,
        command: 'destroy',
        actor: cliActor(ctx.env),
        progress,
      });
      progress.endAll(result.outcome === 'failed' ? 'failed' : 'ok');
      const report = { env: `pr-${target.pr}`, command: 'destroy' as const, sha: null };
      return printReport(ctx, { ...report, result, steps: progress.steps }, !!opts.json);
    }
    if (target.kind === 'production') await refuseWithPreviews(runtime);
    const result = await runClusterCommand({
      ctx,
      runtime,
      env: target.kind,
      command: 'destroy',
      sha: undefined,
      progress,
    });
    const report = { env: target.kind, command: 'destroy' as const, sha: null };
    return printReport(ctx, { ...report, result, steps: progress.steps }, !!opts.json);
  } finally {
    await runtime.close();
  }
}

/** Preview nodes live on production's network and join its Nomad: they must go first. */
async function refuseWithPreviews(runtime: CliRuntime): Promise<void> {
  const { world } = await runtime.ports.store.loadWorld();
  const live = Object.values(world.envs)
    .filter((env) => holdsSlot(env.phase))
    .map((env) => `pr-${env.pr}`);
  if (live.length === 0) return;
  throw new CliError(
    `refusing to destroy production while PR environments use its network and Nomad: ` +
      `${live.join(', ')}. Destroy them first (prenv destroy pr <number>).`,
    ExitCode.refused,
  );
}
