import { describe, expect, it } from 'vitest';
import { durationNanos, parseGoDuration } from '../../bot/config/go-duration.js';

describe('parseGoDuration (Go time.ParseDuration)', () => {
  it.each([
    ['0', 0],
    ['5s', 5e9],
    ['1m30s', 90e9],
    ['1.5h', 5400e9],
    ['250ms', 250e6],
    ['10us', 10e3],
    ['10µs', 10e3],
    ['10μs', 10e3],
    ['7ns', 7],
    ['-1s', -1e9],
    ['+2m', 120e9],
    ['.5s', 0.5e9],
    ['1.s', 1e9],
    ['1h2m3s4ms', 3723.004e9],
  ])('reads %s', (text, nanos) => {
    expect(parseGoDuration(text)).toBeCloseTo(nanos, 0);
  });

  it.each(['', 's', '10', '1d', '1 s', ' 1s', '.s', '1.2.3s', '5sec', '-', '1s ', 'ten seconds'])(
    'rejects %j',
    (text) => {
      expect(parseGoDuration(text)).toBeUndefined();
    },
  );
});

describe('durationNanos', () => {
  it('takes a bare number as nanoseconds, as jobspec2 and API JSON do', () => {
    expect(durationNanos(30_000_000_000)).toBe(30e9);
    expect(durationNanos('30s')).toBe(30e9);
  });

  it('rejects other values', () => {
    expect(durationNanos(true)).toBeUndefined();
    expect(durationNanos(['1s'])).toBeUndefined();
    expect(durationNanos(Number.NaN)).toBeUndefined();
  });
});
