import type { Logger, LogFields } from '../core/logger.js';
import type { CliContext } from './context.js';
import { Progress } from './deploy/progress.js';

/** The progress renderer of a command, on the command's stderr, hiding `secrets`. */
export function createProgress(ctx: CliContext, secrets: string[] = []): Progress {
  return new Progress({
    write: ctx.stderr,
    tty: ctx.isTTY,
    now: () => ctx.now().getTime(),
    secrets,
  });
}

/** A logger for adapters and the engine in the CLI: info as progress steps, warnings as warnings. */
export function progressLogger(progress: Progress | null, fields: LogFields = {}): Logger {
  const prefix = typeof fields.pr === 'number' ? `pr-${fields.pr}: ` : '';
  return {
    debug: () => {},
    info: (msg) => progress?.start(prefix + msg),
    warn: (msg, f) => progress?.warn(prefix + msg + detail(f)),
    error: (msg, f) => progress?.warn(prefix + msg + detail(f)),
    child: (more) => progressLogger(progress, { ...fields, ...more }),
  };
}

function detail(fields: LogFields | undefined): string {
  const error = fields?.error;
  return typeof error === 'string' ? `: ${error}` : '';
}
