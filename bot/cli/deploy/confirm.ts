import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';

/**
 * A change to production (or the removal of a cluster) needs `--yes`, or the project's name
 * typed on a terminal. Off a terminal there is nobody to ask: refuse and say what to pass.
 */
export async function confirmChange(
  ctx: CliContext,
  input: { yes: boolean | undefined; project: string; what: string },
): Promise<void> {
  if (input.yes) return;
  if (!ctx.isTTY || !ctx.prompt) {
    throw new CliError(
      `${input.what} needs confirmation, and this is not a terminal: pass --yes to go ahead ` +
        'without being asked.',
      ExitCode.refused,
    );
  }
  const answer = await ctx.prompt(
    `${input.what}. Type the project name (${input.project}) to go ahead: `,
  );
  if (answer.trim() !== input.project) {
    throw new CliError(
      `not confirmed: you typed ${JSON.stringify(answer.trim())}, not "${input.project}". Nothing was changed.`,
      ExitCode.refused,
    );
  }
}
