import type { Logger, LogFields } from '../core/logger.js';
import { formatDuration } from '../core/format.js';
import { redact } from '../core/redact.js';
import type { CliContext } from './context.js';

/** Progress of a long command, on stderr so stdout stays machine-readable. */
export interface Progress {
  step(what: string): void;
  warn(what: string): void;
}

/**
 * On a terminal each step is a line with the time since the command began
 * (`[  1m 05s] terraform plan pr-7`); otherwise plain lines, for logs.
 */
export function createProgress(ctx: CliContext, secrets: string[] = []): Progress {
  const start = ctx.now().getTime();
  const line = (text: string) => {
    const clean = redact(text, secrets);
    if (!ctx.isTTY) return ctx.stderr(`${clean}\n`);
    const elapsed = formatDuration(Math.max(0, ctx.now().getTime() - start));
    ctx.stderr(`[${elapsed.padStart(7)}] ${clean}\n`);
  };
  return { step: line, warn: (text) => line(`warning: ${text}`) };
}

/** A logger for adapters and the engine in the CLI: info as progress steps, warnings as warnings. */
export function progressLogger(progress: Progress | null, fields: LogFields = {}): Logger {
  const prefix = typeof fields.pr === 'number' ? `pr-${fields.pr}: ` : '';
  return {
    debug: () => {},
    info: (msg) => progress?.step(prefix + msg),
    warn: (msg, f) => progress?.warn(prefix + msg + detail(f)),
    error: (msg, f) => progress?.warn(prefix + msg + detail(f)),
    child: (more) => progressLogger(progress, { ...fields, ...more }),
  };
}

function detail(fields: LogFields | undefined): string {
  const error = fields?.error;
  return typeof error === 'string' ? `: ${error}` : '';
}
