import { describe, expect, it } from 'vitest';
import { noMetrics } from '../../bot/core/metrics.js';
import { stepTimer } from '../../bot/runtime/step-timer.js';

type Case = [
  what: string,
  work: () => Promise<{ healthy: boolean }>,
  succeeded: ((r: { healthy: boolean }) => boolean) | undefined,
  ok: boolean,
];

const cases: Case[] = [
  ['a step that returns', async () => ({ healthy: true }), undefined, true],
  ['a wait that ends unhealthy', async () => ({ healthy: false }), (r) => r.healthy, false],
  [
    'a step that throws',
    async () => {
      throw new Error('boom');
    },
    undefined,
    false,
  ],
];

describe('stepTimer', () => {
  it.each(cases)('records %s, with its duration', async (_what, work, succeeded, ok) => {
    const seen: Array<[string, string, boolean, number]> = [];
    const timed = stepTimer({ ...noMetrics, step: (...a) => void seen.push(a) });
    await timed('consul', 'wait_healthy', work, succeeded).catch(() => {});
    expect(seen).toHaveLength(1);
    expect(seen[0]!.slice(0, 3)).toEqual(['consul', 'wait_healthy', ok]);
    expect(seen[0]![3]).toBeGreaterThanOrEqual(0);
  });
});
