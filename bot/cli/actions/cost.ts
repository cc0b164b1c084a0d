import { costReport } from '../../core/cost.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { ActionInput } from '../command-spec.js';
import { readViewInput } from '../read-view-input.js';
import { costJson, renderCost } from '../views/cost-view.js';

export async function action({
  ctx,
  program,

  opts,
}: ActionInput<{ json?: boolean }>): Promise<ExitCodeValue> {
  const { input, config } = await readViewInput(program, ctx, []);
  const report = costReport(config, input.world, input.now);
  ctx.stdout(opts.json ? `${JSON.stringify(costJson(report), null, 2)}\n` : renderCost(report));
  return ExitCode.ok;
}
