import { describe, expect, it } from 'vitest';
import { queueOrder } from '../../bot/core/slots.js';
import { createHarness, pull, until } from './harness.js';

describe('engine: 15 environments at most', () => {
  it('provisions 15 of 30 PRs opened at once, queues 15 in order, and starts the next 3 when 3 close', async () => {
    const h = createHarness();
    h.ops.hold('provision');
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        h.deliver(`open-${i + 1}`, { kind: 'pr_opened', pull: pull(i + 1) }),
      ),
    );
    await h.engine.drain();

    let world = await h.world();
    const phases = Object.values(world.envs).map((e) => e.phase);
    expect(phases.filter((p) => p === 'provisioning')).toHaveLength(15);
    expect(phases.filter((p) => p === 'queued')).toHaveLength(15);
    expect(queueOrder(world).map((e) => e.pr)).toEqual(
      Array.from({ length: 15 }, (_, i) => i + 16),
    );
    await until(() => h.ops.running('provision').length === 15, '15 provisions run');

    for (const pr of [2, 5, 9]) {
      await h.deliver(`close-${pr}`, {
        kind: 'pr_closed',
        pull: pull(pr, `sha-${pr}-0`, { state: 'closed' }),
      });
    }
    await h.engine.drain();
    h.ops.release('provision');
    await h.engine.idle();

    world = await h.world();
    const started = Object.values(world.envs)
      .filter((e) => e.phase === 'live')
      .map((e) => e.pr);
    expect(started).toEqual([1, 3, 4, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
    expect(queueOrder(world).map((e) => e.pr)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 19),
    );
    for (const pr of [2, 5, 9]) expect(world.envs[pr]?.phase).toBe('absent');
    expect([...h.ops.servers].sort((a, b) => a - b)).toEqual(started);
    expect(Math.max(...h.slotLog)).toBeLessThanOrEqual(15);
    expect(h.slotLog.length).toBeGreaterThan(60);
    await h.engine.stop();
  });

  it('never applies twice for a duplicate delivery', async () => {
    const h = createHarness();
    expect(await h.deliver('d-1', { kind: 'pr_opened', pull: pull(1) })).toBe('queued');
    await h.engine.drain();
    expect(await h.deliver('d-1', { kind: 'pr_opened', pull: pull(1) })).toBe('duplicate');
    await h.deliver('d-2', { kind: 'pr_opened', pull: pull(1) });
    await h.engine.idle();
    expect(h.ops.calls.filter((c) => c.op === 'provision')).toHaveLength(1);
    expect(h.ops.calls.filter((c) => c.op === 'deploy')).toHaveLength(1);
    expect((await h.world()).envs[1]?.phase).toBe('live');
    await h.engine.stop();
  });
});
