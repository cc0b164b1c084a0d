import { pino, type DestinationStream } from 'pino';
import type { LogFields, Logger, LogLevel } from '../../core/logger.js';
import { redactor } from '../../core/redact.js';

export interface PinoLoggerOptions {
  level?: LogLevel;
  /** Values replaced by `[REDACTED]` wherever they appear: message, field values, field names. */
  secrets?: string[];
  /** Where lines go (default: stderr, written synchronously so nothing is lost at exit). */
  write?: (line: string) => void;
  now?: () => Date;
  fields?: LogFields;
}

/**
 * The Logger port on pino: one JSON object per line, `{"level":"info","time":"<ISO 8601>",
 * …context, …fields,"msg":"…"}`. Secrets are replaced by value before pino sees anything
 * (pino's own `redact` works by key path, and a token can sit under any key or inside a
 * message), so neither a message, a field nor a child's context can carry one out.
 */
export function pinoLogger(options: PinoLoggerOptions = {}): Logger {
  const secrets = redactor(options.secrets ?? []);
  const now = options.now;
  const write = options.write;
  const destination: DestinationStream = write
    ? { write: (line: string) => write(line) }
    : pino.destination({ fd: 2, sync: true });
  const root = pino(
    {
      level: options.level ?? 'info',
      base: null,
      timestamp: now ? () => `,"time":"${now().toISOString()}"` : pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  /** `make` runs once, at the first line written: a child made per request may write none. */
  const wrap = (make: () => pino.Logger): Logger => {
    let made: pino.Logger | undefined;
    const log = (): pino.Logger => (made ??= make());
    const emit = (level: LogLevel) => (msg: string, fields?: LogFields) => {
      if (!root.isLevelEnabled(level)) return;
      log()[level](fields ? secrets.deep(fields) : {}, secrets.text(msg));
    };
    return {
      debug: emit('debug'),
      info: emit('info'),
      warn: emit('warn'),
      error: emit('error'),
      child: (fields) => wrap(() => log().child(secrets.deep(fields))),
    };
  };
  return wrap(() => (options.fields ? root.child(secrets.deep(options.fields)) : root));
}
