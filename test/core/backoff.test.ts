import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextRetryAt, retriesLeft, retryDelay, type RetryPolicy } from '../../bot/core/backoff.js';

const policy = fc.record({
  baseMs: fc.integer({ min: 0, max: 60_000 }),
  maxMs: fc.integer({ min: 0, max: 3_600_000 }),
  maxAttempts: fc.integer({ min: 1, max: 20 }),
});
const failures = fc.integer({ min: 1, max: 100 });
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('RetryPolicy: the delay schedule', () => {
  it('without jitter doubles from the base up to the cap', () => {
    fc.assert(
      fc.property(policy, failures, (p, n) => {
        expect(retryDelay(n, p)).toBe(Math.min(p.maxMs, p.baseMs * 2 ** Math.min(n - 1, 30)));
        expect(retryDelay(n + 1, p)).toBeGreaterThanOrEqual(retryDelay(n, p));
      }),
    );
  });

  it('with jitter takes at most that share off, as the injected random says', () => {
    fc.assert(
      fc.property(
        policy,
        failures,
        fc.double({ min: 0, max: 1, noNaN: true }),
        unit,
        (p, n, jitter, r) => {
          const full = retryDelay(n, p);
          const jittered = retryDelay(n, { ...p, jitter }, () => r);
          expect(jittered).toBeLessThanOrEqual(full);
          expect(jittered).toBeGreaterThanOrEqual(Math.floor(full * (1 - jitter)));
          expect(retryDelay(n, { ...p, jitter }, () => 0)).toBe(full);
        },
      ),
    );
  });

  it('gives up after maxAttempts failures, unless told to retry forever', () => {
    fc.assert(
      fc.property(policy, failures, fc.integer({ min: 0, max: 1e12 }), (p, n, now) => {
        expect(retriesLeft(n, p)).toBe(n < p.maxAttempts);
        expect(nextRetryAt(n, now, p, false)).toBe(
          n < p.maxAttempts ? now + retryDelay(n, p) : null,
        );
        expect(nextRetryAt(n, now, p, true)).toBe(now + retryDelay(n, p));
      }),
    );
  });

  it('clamps a jitter outside 0..1', () => {
    const p: RetryPolicy = { baseMs: 1_000, maxMs: 1_000, maxAttempts: 3 };
    expect(retryDelay(1, { ...p, jitter: -1 }, () => 0.9)).toBe(1_000);
    expect(retryDelay(1, { ...p, jitter: 5 }, () => 0.5)).toBe(500);
  });
});
