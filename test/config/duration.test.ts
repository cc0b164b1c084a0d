import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DURATION_FORM, durationMs, parseDurationMs } from '../../bot/config/duration.js';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

describe("prenv.yml's durations (one grammar for the schema, the TTL, the reconciler and Caddy)", () => {
  it.each([
    ['90s', 90_000],
    ['0s', 0],
    ['30m', 1_800_000],
    ['72h', 259_200_000],
    ['7d', 604_800_000],
    ['09s', 9_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
    expect(durationMs(text)).toBe(ms);
  });

  it.each([
    '',
    '90',
    's',
    '1.5h',
    '1h30m',
    '-1s',
    '+1s',
    '1 s',
    ' 1s',
    '1s\n',
    '1S',
    '1w',
    '1ms',
    '٣s',
  ])('refuses %j', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
    expect(() => durationMs(text)).toThrow(`not a duration: ${text}`);
  });

  it('reads back every whole number of every unit', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 1_000_000 }),
        fc.constantFrom(...(Object.keys(UNIT_MS) as (keyof typeof UNIT_MS)[])),
        (n, unit) => {
          const text = `${n}${unit}`;
          expect(DURATION_FORM.test(text)).toBe(true);
          expect(durationMs(text)).toBe(n * UNIT_MS[unit]);
          expect(durationMs(text) / UNIT_MS[unit]).toBe(n);
        },
      ),
    );
  });

  it('refuses any text outside the form', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'0123456789smhdw.-+ hµ'.split('')) }),
        (text) => {
          fc.pre(!/^\d+[smhd]$/.test(text));
          expect(parseDurationMs(text)).toBeUndefined();
        },
      ),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        fc.pre(!/^\d+[smhd]$/.test(text));
        expect(parseDurationMs(text)).toBeUndefined();
      }),
    );
  });
});
