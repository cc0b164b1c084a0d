import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ConfigProblem } from '../config/load.js';
import type { Config } from '../config/config.js';
import { CliError, ExitCode } from './exit-codes.js';
import { cachedConfig, configCacheDir, keepConfig } from './config-cache.js';

import { DEFAULT_CONFIG_FILE } from './config-default.js';

export { DEFAULT_CONFIG_FILE };

export type ConfigFileResult =
  | { ok: true; config: Config; file: string }
  | { ok: false; file: string; problems: ConfigProblem[] };

/**
 * Reads and validates a prenv.yml; a missing file is a problem, not an exception. With `env`,
 * a file validated before with the same text is taken from the config cache (config-cache.ts)
 * and the YAML parser and schema are not even loaded.
 */
export async function readConfigFile(
  file: string,
  cwd: string,
  env: Record<string, string | undefined> = {},
): Promise<ConfigFileResult> {
  const display = path.isAbsolute(file) ? file : path.normalize(file);
  const absolute = path.resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
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
  const cacheDir = configCacheDir(env);
  const cached = cacheDir ? await cachedConfig(cacheDir, absolute, text) : undefined;
  if (cached) return { ok: true, config: cached, file: display };
  const { parseConfig } = await import('../config/load.js');
  const result = parseConfig(text, display);
  if (!result.ok) return { ok: false, file: display, problems: result.problems };
  if (cacheDir) await keepConfig(cacheDir, absolute, text, result.config);
  return { ok: true, config: result.config, file: display };
}

export async function requireConfig(
  file: string,
  cwd: string,
  env: Record<string, string | undefined> = {},
): Promise<Config> {
  const result = await readConfigFile(file, cwd, env);
  if (!result.ok) {
    const { ConfigError } = await import('../config/load.js');
    throw new CliError(new ConfigError(result.problems).message, ExitCode.config);
  }
  return result.config;
}
