import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, parseConfig, type ConfigProblem } from '../config/load.js';
import type { Config } from '../config/config.js';
import { CliError, ExitCode } from './exit-codes.js';

import { DEFAULT_CONFIG_FILE } from './config-default.js';

export { DEFAULT_CONFIG_FILE };

export type ConfigFileResult =
  | { ok: true; config: Config; file: string }
  | { ok: false; file: string; problems: ConfigProblem[] };

/** Reads and validates a prenv.yml; a missing file is a problem, not an exception. */
export async function readConfigFile(file: string, cwd: string): Promise<ConfigFileResult> {
  const display = path.isAbsolute(file) ? file : path.normalize(file);
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a folder, not a file: pass the prenv.yml file itself with --config'
          : `cannot read it (${code ?? String(err)})`;
    const hint =
      file === DEFAULT_CONFIG_FILE
        ? ' (pass --config FILE, or write one with `prenv init --from-compose docker-compose.yml`)'
        : '';
    return {
      ok: false,
      file: display,
      problems: [{ file: display, line: 1, column: 1, path: '', message: reason + hint }],
    };
  }
  const result = parseConfig(text, display);
  return result.ok
    ? { ok: true, config: result.config, file: display }
    : { ok: false, file: display, problems: result.problems };
}

export async function requireConfig(file: string, cwd: string): Promise<Config> {
  const result = await readConfigFile(file, cwd);
  if (!result.ok) {
    throw new CliError(new ConfigError(result.problems).message, ExitCode.config);
  }
  return result.config;
}
