import type { LogFields, Logger, LogLevel } from '../../core/logger.js';
import { redact, redactDeep } from '../../core/redact.js';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** One JSON object per line, secrets replaced, to the given writer (stderr by default). */
export function jsonLogger(options: {
  level?: LogLevel;
  secrets?: string[];
  write?: (line: string) => void;
  now?: () => Date;
  fields?: LogFields;
}): Logger {
  const min = ORDER[options.level ?? 'info'];
  const secrets = options.secrets ?? [];
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const now = options.now ?? (() => new Date());
  const make = (base: LogFields): Logger => {
    const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
      if (ORDER[level] < min) return;
      const record = {
        time: now().toISOString(),
        level,
        msg: redact(msg, secrets),
        ...redactDeep({ ...base, ...fields }, secrets),
      };
      write(`${JSON.stringify(record)}\n`);
    };
    return {
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.fields ?? {});
}
