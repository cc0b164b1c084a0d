import type { StatusTarget } from './views/status-view.js';
import { parseStatusTarget } from './views/status-view.js';
import { CliError, ExitCode } from './exit-codes.js';
import { prNumberProblem } from '../core/pr-number.js';

/**
 * The environment named by a command's `<env> [number]` arguments: `production`, `staging`, or
 * a pull request as `pr-7`, `pr 7` (two arguments or one), `#7` or `7` (the grammar of
 * `parseStatusTarget`). Every command that takes an environment (`status`, `plan`, `deploy`,
 * `destroy`, `render`) parses it here, so they accept the same spellings and refuse others
 * with the same message. Throws a usage CliError (exit 2) naming what was given.
 */
export function parseEnvTarget(
  env: string,
  number: string | undefined,
  command: string,
): StatusTarget {
  if (env === 'pr' && number === undefined) {
    throw new CliError(
      `\`prenv ${command} pr\` needs the pull request number, e.g. \`prenv ${command} pr 7\``,
      ExitCode.usage,
    );
  }
  if ((env === 'production' || env === 'staging') && number !== undefined) {
    // Suggest the PR only for something that is one: `production extra` is no `pr extra`.
    const guess =
      prNumberProblem(number) === null ? ` (did you mean \`prenv ${command} pr ${number}\`?)` : '';
    throw new CliError(
      `${env} takes no number, got ${JSON.stringify(number)}${guess}`,
      ExitCode.usage,
    );
  }
  const text = number === undefined ? env : `${env} ${number}`;
  const target = parseStatusTarget(text);
  if (target === null && env === 'pr') {
    throw new CliError(
      `\`prenv ${command} pr\` needs the pull request number, e.g. \`prenv ${command} pr 7\`; ${prNumberProblem(number)}`,
      ExitCode.usage,
    );
  }
  if (target === null) {
    throw new CliError(
      `unknown environment "${text}": use production, staging or a pull request number as pr-7, pr 7, #7 or 7, e.g. \`prenv ${command} pr-7\``,
      ExitCode.usage,
    );
  }
  return target;
}
