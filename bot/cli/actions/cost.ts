import type { DeploymentInfo } from '../views/view-support.js';
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
  const { input, config, noState } = await readViewInput(program, ctx, ['production', 'staging'], {
    stateOptional: true,
  });
  const report = costReport(config, input.world, input.now, {
    deployed: { production: deployedOf(input.production), staging: deployedOf(input.staging) },
  });
  const note =
    noState &&
    `${noState}. No PR environment is counted; the cluster and the cap's worst case below are an estimate.`;
  if (opts.json) ctx.stdout(`${JSON.stringify({ ...costJson(report), noState: note }, null, 2)}\n`);
  else ctx.stdout((note ? `${note}\n\n` : '') + renderCost(report));
  return ExitCode.ok;
}

/** Whether Nomad runs an environment's job; null when Nomad could not be read. */
function deployedOf(info: DeploymentInfo | null): boolean | null {
  return info === null ? null : info.deployedSha !== null;
}
