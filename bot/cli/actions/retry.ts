import { openReadPorts } from '../cli-ports.js';
import type { ActionInput } from '../command-spec.js';
import { CliError, ExitCode, type ExitCodeValue } from '../exit-codes.js';

export async function action({
  ctx,
  program,
  args,
  opts,
}: ActionInput<{ json?: boolean }>): Promise<ExitCodeValue> {
  const [delivery] = args as [string];
  const { store, close } = await openReadPorts(program, ctx, { readOnly: false });
  try {
    const outcome = await store.retry(delivery);
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
}
