import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pinoLogger } from '../../bot/adapters/log/pino-logger.js';
import type { LogFields, Logger } from '../../bot/core/logger.js';

function capture(options: Parameters<typeof pinoLogger>[0] = {}) {
  const lines: string[] = [];
  const logger = pinoLogger({
    now: () => new Date('2026-11-30T12:00:00.000Z'),
    ...options,
    write: (line) => void lines.push(line),
  });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as LogFields) };
}

describe('pino logger: format', () => {
  it('writes one JSON object per line with level name, ISO time, context, fields and msg', () => {
    const { logger, lines, records } = capture({ fields: { app: 'prenv' } });
    const delivery = logger.child({ delivery: 'd-1', event: 'pull_request' });
    delivery.child({ pr: 7 }).warn('run ended', { outcome: 'failed' });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(records()).toEqual([
      {
        level: 'warn',
        time: '2026-11-30T12:00:00.000Z',
        app: 'prenv',
        delivery: 'd-1',
        event: 'pull_request',
        pr: 7,
        outcome: 'failed',
        msg: 'run ended',
      },
    ]);
  });

  it('drops lines below the level and keeps printf-like text in messages as written', () => {
    const { logger, records } = capture({ level: 'info' });
    logger.debug('not shown');
    logger.info('100%s done %d %o %j');
    logger.error('failed', { error: new Error('boom') });
    expect(records().map((r) => [r.level, r.msg])).toEqual([
      ['info', '100%s done %d %o %j'],
      ['error', 'failed'],
    ]);
    expect(records()[1]!.error).toEqual({ type: 'Error', message: 'boom' });
  });
});

/** Every place a caller can put a string into a line. */
const placements: Array<(log: Logger, s: string) => void> = [
  (log, s) => log.info(`token is ${s}.`),
  (log, s) => log.info('x', { token: s }),
  (log, s) => log.warn('x', { nested: { deeper: [1, `Bearer ${s}`] } }),
  (log, s) => log.error('x', { [`key-${s}`]: 1 }),
  (log, s) => log.error('x', { error: new Error(`auth failed with ${s}`) }),
  (log, s) => log.child({ header: `x-token: ${s}` }).info('x'),
  (log, s) =>
    log
      .child({ a: 1 })
      .child({ b: [s] })
      .debug('x', { c: s }),
];

describe('pino logger: secrets', () => {
  it('never lets a secret through, in whatever message, field, key or child context', () => {
    // The marker keeps a generated secret from matching fixed text such as "info".
    const secret = fc.string({ minLength: 3, maxLength: 60, unit: 'binary' }).map((s) => `§${s}`);
    fc.assert(
      fc.property(
        secret,
        fc.constantFrom(...placements.keys()),
        fc.string({ maxLength: 10 }),
        (value, at, noise) => {
          const { logger, lines } = capture({ level: 'debug', secrets: [value, 'other-secret'] });
          placements[at]!(logger, `${noise}${value}${noise}`);
          const out = lines.join('');
          expect(lines.length).toBeGreaterThan(0);
          expect(out).not.toContain(value);
          expect(out).not.toContain(JSON.stringify(value).slice(1, -1));
          expect(out).toContain('[REDACTED]');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('removes a secret that contains another one whole, and a multi-line private key', () => {
    const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY-----';
    const { logger, lines } = capture({ secrets: ['abcd', 'abcdefgh', key] });
    logger.info('abcdefgh then abcd', { pem: key, quoted: JSON.stringify(key) });
    const out = lines.join('');
    expect(out).not.toMatch(/abcd|MIIEow|IBAAK/);
    expect(JSON.parse(out)).toMatchObject({ msg: '[REDACTED] then [REDACTED]', pem: '[REDACTED]' });
  });
});
