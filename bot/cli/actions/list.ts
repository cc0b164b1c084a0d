import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { ActionInput } from '../command-spec.js';
import { readViewInput } from '../read-view-input.js';
import { listView, renderList } from '../views/list-view.js';

export async function action({
  ctx,
  program,

  opts,
}: ActionInput<{ json?: boolean }>): Promise<ExitCodeValue> {
  const { input } = await readViewInput(program, ctx, ['production', 'staging']);
  const view = listView(input);
  ctx.stdout(opts.json ? `${JSON.stringify(view, null, 2)}\n` : renderList(view));
  return ExitCode.ok;
}
