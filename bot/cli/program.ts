import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CliContext } from './context.js';
import { CliError, ExitCode, type ExitCodeValue } from './exit-codes.js';
import { DEFAULT_CONFIG_FILE } from './config-default.js';
import type { CommandSpec } from './command-spec.js';
import { wholeNumberOption } from './whole-number-option.js';
import { PACKAGE_ROOT } from '../adapters/system/package-root.js';
import { redact } from '../core/redact.js';
import { credentialValues } from '../wiring/credentials.js';
import { appCommand } from './commands/app.js';
import { costCommand } from './commands/cost.js';
import { deployCommand } from './commands/deploy.js';
import { destroyCommand } from './commands/destroy.js';
import { doctorCommand } from './commands/doctor.js';
import { initCommand } from './commands/init.js';
import { listCommand } from './commands/list.js';
import { planCommand } from './commands/plan.js';
import { reconcileCommand } from './commands/reconcile.js';
import { renderCommand } from './commands/render.js';
import { retryCommand } from './commands/retry.js';
import { serveCommand } from './commands/serve.js';
import { stateCommand } from './commands/state.js';
import { statusCommand } from './commands/status.js';
import { tunnelCommand } from './commands/tunnel.js';

/** In the order of `prenv --help`. */
const COMMANDS: readonly CommandSpec[] = [
  doctorCommand,
  renderCommand,
  initCommand,
  serveCommand,
  deployCommand,
  destroyCommand,
  listCommand,
  statusCommand,
  costCommand,
  planCommand,
  reconcileCommand,
  retryCommand,
  tunnelCommand,
  stateCommand,
  appCommand,
];

/**
 * Runs one command action with `ctx` and records its exit code; typed errors become one
 * readable line on stderr and, under `--json` when the action printed nothing, one JSON
 * object `{ ok: false, exitCode, error }` on stdout, so a script always has JSON to read.
 */
export type ActionRunner = (
  action: (ctx: CliContext) => Promise<ExitCodeValue>,
  json: boolean,
) => Promise<void>;

const { version } = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
  version: string;
};

export interface BuiltProgram {
  program: Command;
  exitCode: () => ExitCodeValue;
}

export function buildProgram(ctx: CliContext): BuiltProgram {
  let exitCode: ExitCodeValue = ExitCode.ok;
  // Whatever a command prints, a credential's value never reaches the terminal or a log.
  const secrets = [...credentialValues(ctx.env), ctx.env.PRENV_WEBHOOK_SECRET];
  const out: CliContext = {
    ...ctx,
    stdout: (text) => ctx.stdout(redact(text, secrets)),
    stderr: (text) => ctx.stderr(redact(text, secrets)),
  };
  const run: ActionRunner = async (action, json) => {
    let printed = false;
    const actionCtx: CliContext = {
      ...out,
      stdout: (text) => {
        printed = true;
        out.stdout(text);
      },
    };
    try {
      exitCode = await action(actionCtx);
    } catch (err) {
      exitCode = reportError(err, out);
      if (json && !printed) {
        const error = err instanceof CliError ? err.message : 'unexpected error';
        out.stdout(`${JSON.stringify({ ok: false, exitCode, error }, null, 2)}\n`);
      }
    }
  };
  const program = new Command('prenv')
    .description('Per-pull-request environments on Hetzner Cloud with Nomad, Consul and Caddy')
    .version(version, '-V, --version')
    .option('-c, --config <file>', 'path of prenv.yml', DEFAULT_CONFIG_FILE)
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr })
    .exitOverride();

  for (const spec of COMMANDS) addCommand(program, program, spec, ctx, run);
  pointAtOwnHelp(program);

  return { program, exitCode: () => exitCode };
}

/** Adds `spec` under `parent`; its action module is imported only when the command runs. */
function addCommand(
  root: Command,
  parent: Command,
  spec: CommandSpec,
  ctx: CliContext,
  run: ActionRunner,
): void {
  const command = parent.command(spec.name).description(spec.description);
  for (const [name, description] of spec.arguments ?? []) command.argument(name, description);
  for (const o of spec.options ?? []) {
    if (o.choices) {
      const option = new Option(o.flags, o.description).choices(o.choices);
      command.addOption(o.default === undefined ? option : option.default(o.default));
    } else if (o.required) command.requiredOption(o.flags, o.description, o.default);
    else if (o.whole) {
      const option = new Option(o.flags, o.description);
      const parse = wholeNumberOption(option.long ?? o.flags, o.whole);
      option.argParser(parse);
      command.addOption(o.default === undefined ? option : option.default(parse(o.default)));
    } else if (o.repeatable)
      command.option(o.flags, o.description, (v: string, prev: string[]) => [...prev, v], []);
    else command.option(o.flags, o.description, o.default);
  }
  for (const sub of spec.subcommands ?? []) addCommand(root, command, sub, ctx, run);
  const load = spec.load;
  if (!load) return;
  command.action((...params: unknown[]) => {
    // commander passes the positional arguments, then the options, then the command.
    const args = params.slice(0, -2) as (string | undefined)[];
    const opts = params.at(-2) as { json?: unknown };
    return run(async (actionCtx) => {
      const { action } = await load();
      return action({ ctx: actionCtx, program: root, args, opts: opts as never });
    }, opts.json === true);
  });
}

/**
 * Every command's usage errors (unknown option, missing argument, invalid choice, too many
 * arguments, unknown subcommand) end by pointing at that command's own help, such as
 * `(run \`prenv app create --help\` for usage)`; set here once, for every command added.
 */
function pointAtOwnHelp(command: Command): void {
  const words: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) words.unshift(c.name());
  command.showHelpAfterError(`(run \`${words.join(' ')} --help\` for usage)`);
  for (const sub of command.commands) pointAtOwnHelp(sub);
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
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return ExitCode.ok;
      // commander has written its message to stderr; a script that asked for --json gets JSON.
      if (argv.includes('--json')) {
        const error = err.message.replace(/^error: /, '');
        ctx.stdout(`${JSON.stringify({ ok: false, exitCode: ExitCode.usage, error }, null, 2)}\n`);
      }
      return ExitCode.usage;
    }
    throw err;
  }
  return exitCode();
}
