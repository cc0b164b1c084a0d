import {
  githubAuthFromEnv,
  privateKeyProblem,
  readPrivateKey,
} from '../../adapters/github/github-auth.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { ActionInput } from '../command-spec.js';
import { runClusterCommand } from '../deploy/cluster-run.js';
import { confirmChange } from '../deploy/confirm.js';
import { refuseDirtyTree } from '../deploy/dirty-tree.js';
import { Progress } from '../deploy/progress.js';
import { runPrCommand } from '../deploy/pr-run.js';
import { needsSha, resolvePrTarget } from '../deploy/pr-target.js';
import { printReport } from '../deploy/report.js';
import { loadConfigFile, openRuntime } from '../deploy/runtime.js';
import {
  checkShaOption,
  cliActor,
  parseTarget,
  usesSha,
  type CliTarget,
} from '../deploy/target-args.js';

interface DeployOptions {
  sha?: string;
  yes?: boolean;
  allowDirty?: boolean;
  allowServerChanges?: boolean;
  json?: boolean;
}

export async function action({
  ctx,
  program,
  args,
  opts,
}: ActionInput<DeployOptions>): Promise<ExitCodeValue> {
  const [env, number] = args as [string, string | undefined];
  const target = parseTarget('deploy', env, number);
  checkShaOption(opts.sha);
  const configFile = program.opts<{ config: string }>().config;
  return deploy(ctx, target, configFile, opts);
}

async function deploy(
  ctx: CliContext,
  target: CliTarget,
  configFile: string,
  opts: DeployOptions,
): Promise<ExitCodeValue> {
  const loaded = await loadConfigFile(ctx, configFile);
  // A key that is set but unreadable is the problem to report, not the missing --sha it causes.
  const key = ctx.env.PRENV_PRIVATE_KEY;
  const keyProblem = key ? privateKeyProblem(readPrivateKey(key)) : null;
  if (keyProblem) throw new CliError(`cannot run: ${keyProblem}`, ExitCode.config);
  if (target.kind === 'pr' && opts.sha === undefined && 'error' in githubAuthFromEnv(ctx.env))
    throw needsSha(target.pr);
  if (target.kind !== 'pr') {
    if (opts.sha === undefined && usesSha(loaded.config)) {
      throw new CliError(
        `\`prenv deploy ${target.kind}\` needs --sha: the images in prenv.yml use {{sha}} ` +
          '(pass the commit or image tag to run, e.g. --sha 3f2c9a1)',
        ExitCode.usage,
      );
    }
    if (target.kind === 'production') {
      if (!opts.allowDirty) await refuseDirtyTree(loaded.configPath, 'production');
      await confirmChange(ctx, {
        yes: opts.yes,
        project: loaded.config.project,
        what: `Deploying ${opts.sha ?? 'the current templates'} to production (${loaded.config.project})`,
      });
    }
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
        command: 'deploy',
        sha: opts.sha,
        github: runtime.settings.github ? runtime.ports.github : null,
        known: (await runtime.ports.store.loadWorld()).world.envs[target.pr]?.pull,
      });
      const result = await runPrCommand({
        runtime,
        target: prTarget,
        command: 'deploy',
        actor: cliActor(ctx.env),
        progress,
      });
      progress.endAll(result.outcome === 'failed' ? 'failed' : 'ok');
      const report = { env: `pr-${target.pr}`, command: 'deploy' as const, sha: prTarget.sha };
      return printReport(ctx, { ...report, result, steps: progress.steps }, !!opts.json);
    }
    const result = await runClusterCommand({
      ctx,
      runtime,
      env: target.kind,
      command: 'deploy',
      sha: opts.sha,
      progress,
      allowServerChanges: !!opts.allowServerChanges,
    });
    const report = { env: target.kind, command: 'deploy' as const, sha: opts.sha ?? null };
    return printReport(ctx, { ...report, result, steps: progress.steps }, !!opts.json);
  } finally {
    await runtime.close();
  }
}
