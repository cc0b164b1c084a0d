import { readFileSync } from 'node:fs';
import path from 'node:path';
import { positionOf } from '../config/load.js';
import type { RenderError } from '../../generators/errors.js';
import { CliError, ExitCode } from './exit-codes.js';

/**
 * A RenderError as the CLI reports it: one `configFile:line:column: path: message` line per
 * problem of prenv.yml (the position read from the file in `cwd`; without it when the file
 * cannot be read again), `configFile: --sha: …` for an option; exit 2 when every problem is a
 * missing or wrong option (`--sha`: the command line is what to change), exit 3 when prenv.yml
 * is.
 */
export function renderFailure(
  what: string,
  err: RenderError,
  configFile: string,
  cwd: string,
): CliError {
  let text: string | null = null;
  try {
    text = readFileSync(path.resolve(cwd, configFile), 'utf8');
  } catch {
    // Read a moment ago: a file gone since is reported without positions.
  }
  const lines = err.problems.map((p) => {
    const at = p.option === undefined && text !== null ? positionOf(text, p.path) : null;
    const where = at ? `${configFile}:${at.line}:${at.column}` : configFile;
    return `  ${where}: ${p.path}: ${p.message}`;
  });
  const usage = err.problems.every((p) => p.option !== undefined);
  return new CliError(
    `cannot render ${what}:\n${lines.join('\n')}`,
    usage ? ExitCode.usage : ExitCode.config,
  );
}
