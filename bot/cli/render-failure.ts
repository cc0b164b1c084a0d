import type { RenderError } from '../../generators/errors.js';
import { CliError, ExitCode } from './exit-codes.js';

/**
 * A RenderError as the CLI reports it: one `configFile: path: message` line per problem; exit 2
 * when every problem is a missing or wrong option (`--sha`: the command line is what to change),
 * exit 3 when prenv.yml is.
 */
export function renderFailure(what: string, err: RenderError, configFile: string): CliError {
  const lines = err.problems.map((p) => `  ${configFile}: ${p.path}: ${p.message}`);
  const usage = err.problems.every((p) => p.option !== undefined);
  return new CliError(
    `cannot render ${what}:\n${lines.join('\n')}`,
    usage ? ExitCode.usage : ExitCode.config,
  );
}
