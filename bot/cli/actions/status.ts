import { parseEnvTarget } from '../env-target.js';
import { CliError, ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { ActionInput } from '../command-spec.js';
import { readViewInput } from '../read-view-input.js';
import { renderStatus } from '../views/status-text.js';
import { statusView } from '../views/status-view.js';

export async function action({
  ctx,
  program,
  args,
  opts,
}: ActionInput<{ json?: boolean }>): Promise<ExitCodeValue> {
  const [env, number] = args as [string, string | undefined];
  const target = parseEnvTarget(env, number, 'status');
  const { input } = await readViewInput(program, ctx, typeof target === 'number' ? [] : [target]);
  const result = statusView(input, target);
  if (!result.ok) throw new CliError(result.message, ExitCode.failure);
  ctx.stdout(
    opts.json ? `${JSON.stringify(result.status, null, 2)}\n` : renderStatus(result.status),
  );
  return ExitCode.ok;
}
