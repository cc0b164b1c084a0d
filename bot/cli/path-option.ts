import { CliError, ExitCode } from './exit-codes.js';

/**
 * A file or folder named by a flag (`--out`), checked before any work: an empty or blank value
 * would resolve to the working directory itself and write there, so it is a usage error.
 * Returns the value unchanged; `undefined` (flag not given) passes through.
 */
export function pathOption<T extends string | undefined>(flag: string, value: T): T {
  if (value !== undefined && value.trim() === '') {
    throw new CliError(
      `${flag} needs a path, got ${JSON.stringify(value)}; leave the flag out to use the default`,
      ExitCode.usage,
    );
  }
  return value;
}
