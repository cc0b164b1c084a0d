import type { StatusTarget } from './views/status-view.js';
import { parseStatusTarget } from './views/status-view.js';
import { CliError, ExitCode } from './exit-codes.js';

/** `production`, `staging`, `pr-7`, `7` or `pr 7` (two arguments); a usage error otherwise. */
export function parseEnvTarget(
  env: string,
  number: string | undefined,
  command: string,
): StatusTarget {
  const text = env === 'pr' && number !== undefined ? number : env;
  const target = parseStatusTarget(text);
  if (target === null || (env !== 'pr' && number !== undefined)) {
    const hint = env === 'pr' && number === undefined ? ' (`pr` needs the PR number)' : '';
    throw new CliError(
      `unknown environment "${[env, number].filter(Boolean).join(' ')}"${hint}: use production, staging, pr-<n>, <n> or pr <n>, e.g. \`prenv ${command} pr-7\``,
      ExitCode.usage,
    );
  }
  return target;
}
