import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { parseEnvTarget } from '../env-target.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { ActionRunner } from '../program.js';
import { readViewInput } from '../read-view-input.js';
import { renderStatus } from '../views/status-text.js';
import { statusView } from '../views/status-view.js';

export function registerStatus(program: Command, ctx: CliContext, run: ActionRunner): void {
  program
    .command('status')
    .description('show one environment in detail: state, commits, queue, run, failure, TTL, cost')
    .argument('<env>', 'production, staging, pr-<n>, <n> or pr <n>')
    .argument('[number]', 'pull request number (after pr)')
    .option('--json', 'print the status as JSON')
    .action((env: string, number: string | undefined, opts: { json?: boolean }) =>
      run(async () => {
        const target = parseEnvTarget(env, number, 'status');
        const { input } = await readViewInput(
          program,
          ctx,
          typeof target === 'number' ? [] : [target],
        );
        const result = statusView(input, target);
        if (!result.ok) throw new CliError(result.message, ExitCode.failure);
        ctx.stdout(
          opts.json ? `${JSON.stringify(result.status, null, 2)}\n` : renderStatus(result.status),
        );
        return ExitCode.ok;
      }),
    );
}
