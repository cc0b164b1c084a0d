import {
  githubAuthFromEnv,
  privateKeyProblem,
  readPrivateKey,
} from '../../adapters/github/github-auth.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { ActionInput } from '../command-spec.js';
import { confirmChange } from '../deploy/confirm.js';
import { refuseDirtyTree } from '../deploy/dirty-tree.js';
import { needsSha } from '../deploy/pr-target.js';
import { runTargetCommand } from '../deploy/run-target.js';
import { loadConfigFile } from '../deploy/runtime.js';
import { checkShaOption, parseTarget, usesSha, type CliTarget } from '../deploy/target-args.js';

interface DeployOptions {
  sha?: string;
  yes?: boolean;
  allowDirty?: boolean;
  allowServerChanges?: boolean;
  skipPreflight?: boolean;
  takeOver?: boolean;
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
  return runTargetCommand({
    ctx,
    loaded,
    target,
    command: 'deploy',
    sha: opts.sha,
    json: !!opts.json,
    allowServerChanges: !!opts.allowServerChanges,
    skipPreflight: !!opts.skipPreflight,
    takeOver: !!opts.takeOver,
  });
}
