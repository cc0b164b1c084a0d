import { userInfo } from 'node:os';
import type { Config } from '../../config/config.js';
import { parsePrNumber, prNumberProblem } from '../../core/pr-number.js';
import { checkSha } from '../../../generators/resolve.js';
import { CliError, ExitCode } from '../exit-codes.js';

export type CliTarget = { kind: 'production' | 'staging' } | { kind: 'pr'; pr: number };

/** `production`, `staging` or `pr <number>`, as `prenv deploy`, `destroy` and `render` take them. */
export function parseTarget(
  command: 'deploy' | 'destroy' | 'render',
  env: string,
  number: string | undefined,
): CliTarget {
  if (env === 'pr') {
    const pr = parsePrNumber(number);
    if (pr === null) {
      const why = number === undefined ? null : prNumberProblem(number);
      throw new CliError(
        `\`prenv ${command} pr\` needs the pull request number, e.g. \`prenv ${command} pr 7\`` +
          (why ? `; ${why}` : ''),
        ExitCode.usage,
      );
    }
    return { kind: 'pr', pr };
  }
  if (env !== 'production' && env !== 'staging') {
    throw new CliError(
      `unknown environment "${env}": use production, staging or pr <number>`,
      ExitCode.usage,
    );
  }
  if (number !== undefined) {
    throw new CliError(
      `${env} takes no number (did you mean \`prenv ${command} pr ${number}\`?)`,
      ExitCode.usage,
    );
  }
  return { kind: env };
}

export function checkShaOption(sha: string | undefined): void {
  const problem = checkSha({ kind: 'production', ...(sha === undefined ? {} : { sha }) })[0];
  if (problem) throw new CliError(`--sha: ${problem.message}`, ExitCode.usage);
}

/** Whether any image, env value or command of the application refers to `{{sha}}`. */
export function usesSha(config: Config): boolean {
  return /\{\{\s*sha\s*\}\}/.test(JSON.stringify([config.services, config.jobs]));
}

/** `cli:<user>`: who asked, as the state and the PR comment record it. */
export function cliActor(env: Record<string, string | undefined>): string {
  let user = env.USER ?? env.LOGNAME;
  if (!user) {
    try {
      user = userInfo().username;
    } catch {
      user = 'unknown';
    }
  }
  return `cli:${user}`;
}
