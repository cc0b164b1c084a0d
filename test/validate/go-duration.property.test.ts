import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goDurationToNs } from '../../bot/adapters/nomad/durations.js';
import { goDuration, parseGoDuration } from '../../bot/config/go-duration.js';

const UNIT_NS = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
type Unit = keyof typeof UNIT_NS;

/** Go's grammar (time.ParseDuration), written out as one regex to tell garbage from input. */
const GO_FORM = /^[-+]?(0|((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;

const part = fc.record({
  whole: fc.nat({ max: 100_000 }),
  unit: fc.constantFrom(...(Object.keys(UNIT_NS) as Unit[])),
});

describe("Go durations (one parser for the validator and Nomad's adapter)", () => {
  it('reads back a sum of parts in any units, with either sign', () => {
    fc.assert(
      fc.property(
        fc.array(part, { minLength: 1, maxLength: 5 }),
        fc.constantFrom('', '-', '+'),
        (parts, sign) => {
          const text = sign + parts.map((p) => `${p.whole}${p.unit}`).join('');
          const nanos = parts.reduce((sum, p) => sum + p.whole * UNIT_NS[p.unit], 0);
          expect(parseGoDuration(text)).toBeCloseTo(sign === '-' ? -nanos : nanos, 0);
          expect(goDurationToNs(text)).toBe(Math.round(sign === '-' ? -nanos : nanos));
        },
      ),
    );
  });

  it('reads back the text it writes for whole milliseconds', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1e12 }), (ms) => {
        expect(parseGoDuration(goDuration(ms))).toBe(ms * 1e6);
      }),
    );
  });

  it('reads a decimal fraction of a unit', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000 }), fc.nat({ max: 999 }), (whole, thousandths) => {
        const fraction = String(thousandths).padStart(3, '0');
        expect(parseGoDuration(`${whole}.${fraction}s`)).toBeCloseTo(
          (whole + thousandths / 1000) * 1e9,
          0,
        );
      }),
    );
  });

  it('refuses anything outside the grammar', () => {
    const alphabet = fc.constantFrom(...'0123456789.+-nsuµμmhd x'.split(''));
    for (const text of [fc.string({ unit: alphabet }), fc.string()]) {
      fc.assert(
        fc.property(text, (t) => {
          fc.pre(!GO_FORM.test(t));
          expect(parseGoDuration(t)).toBeUndefined();
          if (!/^-?\d+$/.test(t)) expect(goDurationToNs(t)).toBeUndefined();
        }),
      );
    }
  });

  it("reads a bare integer as nanoseconds only where asked (Nomad's API JSON)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (n) => {
        expect(parseGoDuration(String(n), { bareNanos: true })).toBe(n);
        expect(goDurationToNs(String(n))).toBe(n);
        if (n !== 0) expect(parseGoDuration(String(n))).toBeUndefined();
      }),
    );
  });

  // goDurationToNs follows Go's grammar: it used to refuse these, which Go and Nomad accept,
  // and to trim spaces, which Go refuses.
  it.each([
    ['+2m', 120e9],
    ['.5s', 0.5e9],
    ['1.s', 1e9],
    ['1.5ns', 2],
    [' 1s', undefined],
    ['1s ', undefined],
  ])('goDurationToNs(%j) is %s', (text, nanos) => {
    expect(goDurationToNs(text)).toBe(nanos);
  });
});
