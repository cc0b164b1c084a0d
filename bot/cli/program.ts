import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import type { CliContext } from './context.js';
import { CliError, ExitCode, type ExitCodeValue } from './exit-codes.js';
import { DEFAULT_CONFIG_FILE } from './config-file.js';
import { registerDoctor } from './commands/doctor.js';
import { registerRender } from './commands/render.js';
import { registerInit } from './commands/init.js';
import { registerServe } from './commands/serve.js';
import { registerDeploy } from './commands/deploy.js';
import { registerDestroy } from './commands/destroy.js';
import { registerList } from './commands/list.js';
import { registerStatus } from './commands/status.js';
import { registerCost } from './commands/cost.js';
import { registerPlan } from './commands/plan.js';
import { registerReconcile } from './commands/reconcile.js';
import { registerRetry } from './commands/retry.js';

/** Runs one command action and records its exit code; typed errors become one readable line. */
export type ActionRunner = (action: () => Promise<ExitCodeValue>) => Promise<void>;

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export interface BuiltProgram {
  program: Command;
  exitCode: () => ExitCodeValue;
}

export function buildProgram(ctx: CliContext): BuiltProgram {
  let exitCode: ExitCodeValue = ExitCode.ok;
  const run: ActionRunner = async (action) => {
    try {
      exitCode = await action();
    } catch (err) {
      exitCode = reportError(err, ctx);
    }
  };
  const program = new Command('prenv')
    .description('Per-pull-request environments on Hetzner Cloud with Nomad, Consul and Caddy')
    .version(version, '-V, --version')
    .option('-c, --config <file>', 'path of prenv.yml', DEFAULT_CONFIG_FILE)
    .showHelpAfterError('(run `prenv --help` for usage)')
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr })
    .exitOverride();

  registerDoctor(program, ctx, run);
  registerRender(program, ctx, run);
  registerInit(program, ctx, run);
  registerServe(program, ctx, run);
  registerDeploy(program, ctx, run);
  registerDestroy(program, ctx, run);
  registerList(program, ctx, run);
  registerStatus(program, ctx, run);
  registerCost(program, ctx, run);
  registerPlan(program, ctx, run);
  registerReconcile(program, ctx, run);
  registerRetry(program, ctx, run);

  return { program, exitCode: () => exitCode };
}

function reportError(err: unknown, ctx: CliContext): ExitCodeValue {
  if (err instanceof CliError) {
    ctx.stderr(`prenv: ${err.message}\n`);
    return err.exitCode;
  }
  const detail =
    ctx.env.PRENV_DEBUG && err instanceof Error ? (err.stack ?? err.message) : String(err);
  ctx.stderr(`prenv: unexpected error: ${detail}\n(set PRENV_DEBUG=1 for a stack trace)\n`);
  return ExitCode.failure;
}

export async function runProgram(argv: string[], ctx: CliContext): Promise<ExitCodeValue> {
  const { program, exitCode } = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    throw err;
  }
  return exitCode();
}
