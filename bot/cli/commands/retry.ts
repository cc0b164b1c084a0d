import type { Command } from 'commander';
import { progressLogger } from '../progress.js';
import { openCliPorts } from '../cli-ports.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { ActionRunner } from '../program.js';

export function registerRetry(program: Command, ctx: CliContext, run: ActionRunner): void {
  program
    .command('retry')
    .description(
      'put a dead-lettered webhook delivery back in the bot’s queue (`prenv list` shows them)',
    )
    .argument('<delivery>', 'the delivery id (X-GitHub-Delivery) of a dead letter')
    .option('--json', 'print the outcome as JSON')
    .action((delivery: string, opts: { json?: boolean }) =>
      run(async () => {
        const { ports, close } = await openCliPorts(program, ctx, progressLogger(null), {
          requireState: true,
        });
        try {
          const outcome = await ports.store.retry(delivery);
          if (outcome === 'unknown')
            throw new CliError(
              `no delivery ${JSON.stringify(delivery)} in the queue: \`prenv list\` shows the dead letters and their ids`,
              ExitCode.failure,
            );
          if (outcome === 'not_dead')
            throw new CliError(
              `delivery ${JSON.stringify(delivery)} is not a dead letter: it is still queued or already processed`,
              ExitCode.failure,
            );
          ctx.stdout(
            opts.json
              ? `${JSON.stringify({ delivery, outcome })}\n`
              : `Delivery ${delivery} is queued again with fresh attempts; the bot processes it at its next pass (PRENV_TICK_MS, 30 s by default).\n`,
          );
          return ExitCode.ok;
        } finally {
          await close();
        }
      }),
    );
}
