import type { LogLevel } from '../core/logger.js';

/** The levels pino and the Logger port share, least to most severe. */
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * `PRENV_LOG_LEVEL` (default `info`), compared without case and surrounding blanks.
 * An unknown value is an error naming the allowed ones: a typo must not silently log at `info`.
 */
export function readLogLevel(
  env: Record<string, string | undefined>,
): { ok: true; level: LogLevel } | { ok: false; error: string } {
  const raw = env.PRENV_LOG_LEVEL;
  if (raw === undefined || raw.trim() === '') return { ok: true, level: 'info' };
  const level = LOG_LEVELS.find((l) => l === raw.trim().toLowerCase());
  if (level) return { ok: true, level };
  return {
    ok: false,
    error: `PRENV_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`,
  };
}
