import { userInfo } from 'node:os';
import type { Config } from '../../config/config.js';
import { checkSha } from '../../../generators/resolve.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { parseEnvTarget } from '../env-target.js';

export type CliTarget = { kind: 'production' | 'staging' } | { kind: 'pr'; pr: number };

/** The environment of `prenv deploy`, `destroy` and `render`, in `parseEnvTarget`'s grammar. */
export function parseTarget(
  command: 'deploy' | 'destroy' | 'render',
  env: string,
  number: string | undefined,
): CliTarget {
  const target = parseEnvTarget(env, number, command);
  return typeof target === 'number' ? { kind: 'pr', pr: target } : { kind: target };
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
