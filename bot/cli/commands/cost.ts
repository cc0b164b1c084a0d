import type { Command } from 'commander';
import { costReport } from '../../core/cost.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import type { ActionRunner } from '../program.js';
import { readViewInput } from '../read-view-input.js';
import { costJson, renderCost } from '../views/cost-view.js';

export function registerCost(program: Command, ctx: CliContext, run: ActionRunner): void {
  program
    .command('cost')
    .description(
      'what the servers cost now, this month, and at most with the preview cap (Hetzner prices)',
    )
    .option('--json', 'print the report as JSON')
    .action((opts: { json?: boolean }) =>
      run(async () => {
        const { input, config } = await readViewInput(program, ctx, []);
        const report = costReport(config, input.world, input.now);
        ctx.stdout(
          opts.json ? `${JSON.stringify(costJson(report), null, 2)}\n` : renderCost(report),
        );
        return ExitCode.ok;
      }),
    );
}
