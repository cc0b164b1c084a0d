import type { CliContext } from '../context.js';
import type { ExitCodeValue } from '../exit-codes.js';
import { runClusterCommand } from './cluster-run.js';
import { Progress } from './progress.js';
import { runPrCommand } from './pr-run.js';
import { resolvePrTarget } from './pr-target.js';
import { printReport } from './report.js';
import { checkPreviewGate } from './preview-gate-check.js';
import type { Config } from '../../config/config.js';
import { openRuntime, type CliRuntime } from './runtime.js';
import { cliActor, type CliTarget } from './target-args.js';

/**
 * What `prenv deploy` and `prenv destroy` share once their own checks passed: progress on
 * stderr, the runtime, the run (a PR through the bot's engine, production or staging through
 * the cluster pipeline), then the report (a sentence, or JSON with `--json`) and its exit code.
 */
export async function runTargetCommand(input: {
  ctx: CliContext;
  loaded: { config: Config; configPath: string };
  target: CliTarget;
  command: 'deploy' | 'destroy';
  /** `--sha`; undefined for a destroy. */
  sha: string | undefined;
  json: boolean;
  allowServerChanges?: boolean;
  /** `--skip-preflight`: deploy without first asking the cluster's endpoints whether they answer. */
  skipPreflight?: boolean;
  /** `--take-over`: a PR's run in flight without a live owner is taken over (see `runPrCommand`). */
  takeOver?: boolean;
  /** Checks that need the runtime (the state), run before a production or staging run. */
  beforeCluster?: (runtime: CliRuntime) => Promise<void>;
}): Promise<ExitCodeValue> {
  const { ctx, target, command } = input;
  const progress = new Progress({
    write: ctx.stderr,
    tty: ctx.isTTY,
    now: () => ctx.now().getTime(),
  });
  // A deploy may start the state (how a project begins); a destroy of a PR needs the one that
  // knows what exists, or it would report "nothing to destroy" and leave servers running, and
  // production's checks there that no PR environment is left. Staging's destroy reads nothing
  // from it.
  const state = command === 'deploy' ? 'create' : target.kind === 'staging' ? 'unread' : 'existing';
  const what = target.kind === 'pr' ? `pr-${target.pr}` : target.kind;
  const runtime = await openRuntime(ctx, input.loaded, target.kind, {
    state,
    ...(command === 'deploy' && !input.skipPreflight ? { preflight: { what, fetch } } : {}),
  });
  try {
    if (target.kind === 'pr') {
      if (command === 'deploy') await checkPreviewGate(runtime, ctx.env, target.pr);
      const prTarget = await resolvePrTarget({
        config: runtime.config,
        pr: target.pr,
        command,
        sha: input.sha,
        // A destroy needs no head commit: it does not ask GitHub.
        github: command === 'deploy' && runtime.settings.github ? runtime.ports.github : null,
        known: (await runtime.ports.store.loadWorld()).world.envs[target.pr]?.pull,
      });
      const result = await runPrCommand({
        runtime,
        target: prTarget,
        command,
        actor: cliActor(ctx.env),
        progress,
        stderr: ctx.stderr,
        abandonAfterMs: ctx.env.PRENV_RUN_ABANDON_MS,
        takeOver: !!input.takeOver,
      });
      const ok = result.outcome !== 'failed' && result.outcome !== 'interrupted';
      progress.endAll(ok ? 'ok' : 'failed');
      const report = { env: `pr-${target.pr}`, command, sha: prTarget.sha };
      return printReport(ctx, { ...report, result, steps: progress.steps }, input.json);
    }
    await input.beforeCluster?.(runtime);
    const result = await runClusterCommand({
      ctx,
      runtime,
      env: target.kind,
      command,
      sha: input.sha,
      progress,
      allowServerChanges: input.allowServerChanges ?? false,
    });
    const report = { env: target.kind, command, sha: input.sha ?? null };
    return printReport(ctx, { ...report, result, steps: progress.steps }, input.json);
  } finally {
    await runtime.close();
  }
}
