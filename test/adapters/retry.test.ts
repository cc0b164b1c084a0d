import { describe, expect, it } from 'vitest';
import { withRetries } from '../../bot/adapters/retry.js';
import type { RetryPolicy } from '../../bot/core/backoff.js';

class Flaky extends Error {}

function run(failuresBeforeSuccess: number, policy: RetryPolicy, retryable = true) {
  const waits: number[] = [];
  const told: [number, number][] = [];
  let calls = 0;
  const result = withRetries(
    async (attempt) => {
      calls += 1;
      expect(attempt).toBe(calls);
      if (calls <= failuresBeforeSuccess) throw new Flaky(`failure ${calls}`);
      return `ok after ${calls}`;
    },
    {
      policy,
      retryable: (err) => retryable && err instanceof Flaky,
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 0.5,
      onRetry: (_err, attempt, delayMs) => told.push([attempt, delayMs]),
    },
  );
  return { result, waits, told, calls: () => calls };
}

const policy: RetryPolicy = { baseMs: 100, maxMs: 300, maxAttempts: 4 };

describe('withRetries: the adapters’ one retry loop', () => {
  it('waits the policy’s delays between attempts and returns the first success', async () => {
    const r = run(3, policy);
    await expect(r.result).resolves.toBe('ok after 4');
    expect(r.waits).toEqual([100, 200, 300]);
    expect(r.told).toEqual([
      [1, 100],
      [2, 200],
      [3, 300],
    ]);
  });

  it('throws the last error once maxAttempts attempts failed', async () => {
    const r = run(10, policy);
    await expect(r.result).rejects.toThrow('failure 4');
    expect(r.calls()).toBe(4);
    expect(r.waits).toHaveLength(3);
  });

  it('throws an error that is not retryable at once', async () => {
    const r = run(10, policy, false);
    await expect(r.result).rejects.toThrow('failure 1');
    expect(r.calls()).toBe(1);
    expect(r.waits).toEqual([]);
  });

  it('applies the policy’s jitter with the injected random', async () => {
    const r = run(2, { ...policy, jitter: 0.5 });
    await r.result;
    expect(r.waits).toEqual([75, 150]);
  });
});
