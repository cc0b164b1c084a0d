import { Engine } from '../../runtime/engine.js';
import { createReconciler } from '../../wiring/reconciler.js';
import { redact } from '../../core/redact.js';
import { openCliPorts } from '../cli-ports.js';
import { CliError, ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { ActionInput } from '../command-spec.js';
import { createProgress, progressLogger } from '../progress.js';
import { reconcileJson, reconcileText } from '../reconcile-output.js';

interface ReconcileOptions {
  dryRun?: boolean;
  json?: boolean;
}

export async function action({
  ctx,
  program,

  opts,
}: ActionInput<ReconcileOptions>): Promise<ExitCodeValue> {
  const logger = progressLogger(null);
  const { config, settings, ports, close } = await openCliPorts(program, ctx, logger, {
    requireState: true,
    // Every pass starts from the open pull requests on GitHub, --dry-run too.
    needsGitHub: 'reconcile',
  });
  const progress = createProgress(ctx, settings.secrets);
  const runLogger = progressLogger(progress);
  const context = () => ({ ...ports.context(), now: ctx.now().getTime() });
  const engine = new Engine({
    store: ports.store,
    github: ports.github,
    ops: ports.ops,
    logger: runLogger,
    secrets: settings.secrets,
    context,
  });
  const reconciler = createReconciler({
    config,
    settings,
    ports,
    engine,
    logger: runLogger,
    cwd: ctx.cwd,
    context,
  });
  try {
    const outcome = await reconciler
      .run({ dryRun: opts.dryRun === true, step: (what) => progress.start(what) })
      .catch((err: unknown) => {
        progress.endAll('failed');
        const reason = redact((err as Error).message, settings.secrets);
        throw new CliError(`reconcile stopped, nothing was changed: ${reason}`);
      });
    if (!outcome.dryRun && outcome.fed > 0) {
      progress.start('waiting for the runs the engine started');
      await engine.idle();
    }
    progress.endAll('ok');
    const cap = config.previews.max;
    const text = opts.json
      ? `${JSON.stringify(reconcileJson(outcome, cap), null, 2)}\n`
      : reconcileText(outcome, cap);
    ctx.stdout(redact(text, settings.secrets));
    return outcome.cleanups.some((c) => c.error !== null) ? ExitCode.failure : ExitCode.ok;
  } finally {
    await engine.stop();
    await close();
  }
}
