import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePrNumber } from '../../bot/core/pr-number.js';

describe('parsePrNumber', () => {
  it.each([
    ['1', 1],
    ['7', 7],
    ['42', 42],
    ['999999999', 999_999_999],
  ])('reads %j as PR %d', (text, pr) => {
    expect(parsePrNumber(text)).toBe(pr);
  });

  it.each([
    ['nothing', undefined],
    ['empty', ''],
    ['zero', '0'],
    ['a leading zero', '07'],
    ['a sign', '+7'],
    ['a minus', '-7'],
    ['a decimal point', '7.0'],
    ['an exponent', '1e3'],
    ['hexadecimal', '0x7'],
    ['spaces', ' 7'],
    ['a trailing newline', '7\n'],
    ['ten digits', '1000000000'],
    ['the env name', 'pr-7'],
    ['Arabic-Indic digits', '٧'],
  ])('refuses %s', (_what, text) => {
    expect(parsePrNumber(text)).toBeNull();
  });

  it('reads back every number it writes, and nothing that is not its own spelling', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999 }), (pr) => {
        expect(parsePrNumber(String(pr))).toBe(pr);
      }),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        const pr = parsePrNumber(text);
        if (pr !== null) expect(String(pr)).toBe(text);
      }),
    );
  });
});
