import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import type { ActionRunner } from '../program.js';
import { readViewInput } from '../read-view-input.js';
import { listView, renderList } from '../views/list-view.js';

export function registerList(program: Command, ctx: CliContext, run: ActionRunner): void {
  program
    .command('list')
    .description(
      'list production, staging and every PR environment with state, URL, commit and cost',
    )
    .option('--json', 'print the list as JSON')
    .action((opts: { json?: boolean }) =>
      run(async () => {
        const { input } = await readViewInput(program, ctx, ['production', 'staging']);
        const view = listView(input);
        ctx.stdout(opts.json ? `${JSON.stringify(view, null, 2)}\n` : renderList(view));
        return ExitCode.ok;
      }),
    );
}
