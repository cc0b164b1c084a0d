import { describe, expect, it } from 'vitest';
import { emptyWorld } from '../../bot/core/model.js';
import type { RunRecord, StateStore } from '../../bot/adapters/store/state-store.js';

const DAY = 86_400_000;

function finishedRun(runId: string, endedAt: number, lines = 2): RunRecord {
  return {
    runId,
    environment: 'pr-7',
    pr: 7,
    kind: 'deploy',
    sha: 'abc1234def',
    startedAt: endedAt - 1_000,
    endedAt,
    outcome: 'succeeded',
    error: null,
    lines: Array.from({ length: lines }, (_, i) => ({
      seq: i + 1,
      at: endedAt - 1_000 + i,
      text: `line ${i + 1} of ${runId} «ünïcode»`,
    })),
    dropped: 0,
  };
}

/** The behaviour every StateStore must have; run once per implementation. */
export function storeContract(name: string, open: () => Promise<StateStore>): void {
  describe(`${name} (StateStore contract)`, () => {
    it('starts with an empty world at version 0', async () => {
      const store = await open();
      expect(await store.loadWorld()).toEqual({ world: emptyWorld(), version: 0 });
    });

    it('saves with check-and-set: exactly one of two writers with the same version wins', async () => {
      const store = await open();
      const first = await store.loadWorld();
      const a = { ...first.world, seq: 1 };
      const b = { ...first.world, seq: 2 };
      const results = await Promise.all([
        store.saveWorld(a, first.version),
        store.saveWorld(b, first.version),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const after = await store.loadWorld();
      expect(after.version).not.toBe(first.version);
      expect([1, 2]).toContain(after.world.seq);
      expect(await store.saveWorld({ ...after.world, seq: 9 }, first.version)).toBe(false);
      expect(await store.saveWorld({ ...after.world, seq: 3 }, after.version)).toBe(true);
      expect((await store.loadWorld()).world.seq).toBe(3);
    });

    it('deduplicates deliveries by id and hands them out oldest first', async () => {
      const store = await open();
      expect(
        await store.enqueue({ id: 'd-1', name: 'pull_request', payload: { n: 1 }, receivedAt: 1 }),
      ).toBe('queued');
      expect(
        await store.enqueue({ id: 'd-2', name: 'issue_comment', payload: { n: 2 }, receivedAt: 2 }),
      ).toBe('queued');
      expect(
        await store.enqueue({ id: 'd-1', name: 'pull_request', payload: { n: 1 }, receivedAt: 3 }),
      ).toBe('duplicate');
      const pending = await store.pending();
      expect(pending.map((d) => [d.id, d.name, d.payload])).toEqual([
        ['d-1', 'pull_request', { n: 1 }],
        ['d-2', 'issue_comment', { n: 2 }],
      ]);
      await store.complete('d-1');
      expect((await store.pending()).map((d) => d.id)).toEqual(['d-2']);
      expect(
        await store.enqueue({ id: 'd-1', name: 'pull_request', payload: {}, receivedAt: 4 }),
      ).toBe('duplicate');
    });

    it('hands out only the named kinds when asked, oldest first, with the other filters', async () => {
      const store = await open();
      const names = ['pr_opened', 'pr_closed', 'pr_opened', 'comment_command', 'pr_closed'];
      for (const [i, name] of names.entries())
        await store.enqueue({ id: `k-${i}`, name, payload: { i }, receivedAt: i });
      const wanted = ['pr_closed', 'comment_command'];
      expect((await store.pending(10, undefined, wanted)).map((d) => d.id)).toEqual([
        'k-1',
        'k-3',
        'k-4',
      ]);
      expect((await store.pending(2, undefined, wanted)).map((d) => d.id)).toEqual(['k-1', 'k-3']);
      await store.complete('k-1');
      await store.fail('k-3', 'later', 5_000, 1_000);
      await store.fail('k-4', 'dead', null, 1_000);
      expect((await store.pending(10, undefined, wanted)).map((d) => d.id)).toEqual(['k-3']);
      expect(await store.pending(10, 4_999, wanted)).toEqual([]);
      expect(await store.pending(10, undefined, [])).toEqual([]);
      expect((await store.pending(10)).map((d) => d.id)).toEqual(['k-0', 'k-2', 'k-3']);
    });

    it('forgets only completed deliveries older than the cut-off', async () => {
      const store = await open();
      await store.enqueue({ id: 'old', name: 'x', payload: null, receivedAt: 100 });
      await store.enqueue({ id: 'new', name: 'x', payload: null, receivedAt: 900 });
      await store.enqueue({ id: 'open', name: 'x', payload: null, receivedAt: 50 });
      await store.complete('old');
      await store.complete('new');
      expect(await store.completed()).toEqual([
        { id: 'old', name: 'x', receivedAt: 100 },
        { id: 'new', name: 'x', receivedAt: 900 },
      ]);
      expect(await store.prune(500)).toBe(1);
      // The dedupe window is what `completed` lists: the pruned one is gone from both.
      expect((await store.completed()).map((d) => d.id)).toEqual(['new']);
      expect(await store.enqueue({ id: 'old', name: 'x', payload: null, receivedAt: 1000 })).toBe(
        'queued',
      );
      expect(await store.enqueue({ id: 'new', name: 'x', payload: null, receivedAt: 1000 })).toBe(
        'duplicate',
      );
      expect((await store.pending()).map((d) => d.id)).toEqual(['open', 'old']);
    });

    it('retries a failed delivery when due, dead-letters it on request, and requeues it', async () => {
      const store = await open();
      for (const id of ['a', 'b', 'c'])
        await store.enqueue({ id, name: 'x', payload: { id }, receivedAt: 1 });
      await store.fail('a', 'boom 1', 5_000, 1_000);
      expect((await store.pending(10, 4_999)).map((d) => d.id)).toEqual(['b', 'c']);
      const due = await store.pending(10, 5_000);
      expect(due.map((d) => d.id)).toEqual(['a', 'b', 'c']);
      expect(due[0]).toMatchObject({ attempts: 1, lastError: 'boom 1', nextAttemptAt: 5_000 });
      expect((await store.pending()).map((d) => d.id)).toEqual(['a', 'b', 'c']);

      await store.fail('a', 'boom 2', null, 6_000);
      expect((await store.pending()).map((d) => d.id)).toEqual(['b', 'c']);
      expect(await store.deadLetters()).toEqual([
        {
          id: 'a',
          name: 'x',
          receivedAt: 1,
          attempts: 2,
          lastError: 'boom 2',
          deadAt: 6_000,
          payload: { id: 'a' },
        },
      ]);
      expect(await store.retry('a')).toBe('requeued');
      expect(await store.retry('b')).toBe('not_dead');
      expect(await store.retry('zzz')).toBe('unknown');
      expect(await store.deadLetters()).toEqual([]);
      const again = await store.pending(10, 0);
      expect(again.map((d) => d.id)).toEqual(['a', 'b', 'c']);
      expect(again[0]).toMatchObject({ attempts: 0 });
      await store.complete('a');
      await store.fail('a', 'late', null, 7_000);
      expect(await store.deadLetters()).toEqual([]);
    });

    it('saves the plan of a delivery and completes it at once: a second save of it is refused', async () => {
      const store = await open();
      await store.enqueue({ id: 'p-1', name: 'pull_request', payload: { n: 1 }, receivedAt: 1 });
      await store.enqueue({ id: 'p-2', name: 'pull_request', payload: { n: 2 }, receivedAt: 2 });
      const first = await store.loadWorld();
      // Two replicas planned p-1 from the same world: exactly one save lands.
      const results = await Promise.all([
        store.saveWorldFor({ ...first.world, seq: 1 }, first.version, 'p-1'),
        store.saveWorldFor({ ...first.world, seq: 2 }, first.version, 'p-1'),
      ]);
      expect(results.filter((r) => r === 'saved')).toHaveLength(1);
      expect(results.filter((r) => r !== 'saved')).toEqual([
        expect.stringMatching(/^done|conflict$/),
      ]);
      expect((await store.pending()).map((d) => d.id)).toEqual(['p-2']);
      const after = await store.loadWorld();
      // Planned again later (a new leader that read the queue before): nothing is saved.
      expect(await store.saveWorldFor({ ...after.world, seq: 7 }, after.version, 'p-1')).toBe(
        'done',
      );
      expect(await store.saveWorldFor(after.world, first.version, 'p-2')).toBe('conflict');
      expect((await store.pending()).map((d) => d.id)).toEqual(['p-2']);
      expect(await store.saveWorldFor({ ...after.world, seq: 8 }, after.version, 'p-2')).toBe(
        'saved',
      );
      expect(await store.pending()).toEqual([]);
      expect((await store.loadWorld()).world.seq).toBe(8);
      expect(await store.saveWorldFor(after.world, 0, 'never-queued')).toBe('done');
    });

    it('keeps slot samples in order, led by the one in force at the window start', async () => {
      const store = await open();
      expect(await store.slotSamples(0)).toEqual([]);
      const t0 = Date.UTC(2026, 10, 1, 12);
      await store.addSlotSample({ at: t0, used: 1, cap: 15 }, 0);
      await store.addSlotSample({ at: t0 + 2 * DAY, used: 3, cap: 15 }, 0);
      await store.addSlotSample({ at: t0 + 2 * DAY + 60_000, used: 2, cap: 15 }, 0);
      await store.addSlotSample({ at: t0 + 5 * DAY, used: 4, cap: 20 }, 0);
      expect(await store.slotSamples(0)).toEqual([
        { at: t0, used: 1, cap: 15 },
        { at: t0 + 2 * DAY, used: 3, cap: 15 },
        { at: t0 + 2 * DAY + 60_000, used: 2, cap: 15 },
        { at: t0 + 5 * DAY, used: 4, cap: 20 },
      ]);
      // From day 3 on: the sample of day 2 (2 used) is still in force at the start.
      expect((await store.slotSamples(t0 + 3 * DAY)).map((s) => s.used)).toEqual([2, 4]);
      expect((await store.slotSamples(t0 + 2 * DAY)).map((s) => s.used)).toEqual([3, 2, 4]);
      expect((await store.slotSamples(t0 + 9 * DAY)).map((s) => s.used)).toEqual([4]);
      // An hour before day 5's sample: the one in force is from day 2.
      expect((await store.slotSamples(t0 + 5 * DAY - 3_600_000)).map((s) => s.used)).toEqual([
        2, 4,
      ]);
    });

    it('forgets slot samples before the cut but the one still in force there', async () => {
      const store = await open();
      const t0 = Date.UTC(2026, 10, 1, 12);
      for (let day = 0; day < 10; day++)
        await store.addSlotSample({ at: t0 + day * DAY, used: day, cap: 15 }, 0);
      await store.addSlotSample({ at: t0 + 10 * DAY, used: 10, cap: 15 }, t0 + 6 * DAY + 1);
      const kept = await store.slotSamples(0);
      // Day 6's sample is in force at the cut; days 0–5 are gone.
      expect(kept.map((s) => s.used)).toEqual([6, 7, 8, 9, 10]);
    });

    it('keeps finished runs newest first, replaces one kept again, and forgets beyond the retention', async () => {
      const store = await open();
      expect(await store.keptRuns()).toEqual([]);
      const base = Date.UTC(2026, 10, 20);
      const retention = { runs: 3, endedSince: 0 };
      await store.keepRun(finishedRun('pr-7/deploy/1', base + 1, 3), retention);
      await store.keepRun(finishedRun('pr-7/deploy/2', base + 2), retention);
      await store.keepRun(finishedRun('pr-8/destroy/3', base + 3), retention);
      expect((await store.keptRuns()).map((r) => r.runId)).toEqual([
        'pr-8/destroy/3',
        'pr-7/deploy/2',
        'pr-7/deploy/1',
      ]);
      expect((await store.keptRuns())[2]).toEqual(finishedRun('pr-7/deploy/1', base + 1, 3));
      // The same run kept again (ended later) replaces its former record.
      await store.keepRun({ ...finishedRun('pr-7/deploy/1', base + 4), error: 'x' }, retention);
      const again = await store.keptRuns();
      expect(again.map((r) => r.runId)).toEqual([
        'pr-7/deploy/1',
        'pr-8/destroy/3',
        'pr-7/deploy/2',
      ]);
      expect(again[0]!.error).toBe('x');
      // Over the count: the oldest goes.
      await store.keepRun(finishedRun('a', base + 5), retention);
      expect((await store.keptRuns()).map((r) => r.runId)).toEqual([
        'a',
        'pr-7/deploy/1',
        'pr-8/destroy/3',
      ]);
      // Too old: every run that ended before the cut goes.
      await store.keepRun(finishedRun('b-a', base + 6), { runs: 10, endedSince: base + 4 });
      expect((await store.keptRuns()).map((r) => r.runId)).toEqual(['b-a', 'a', 'pr-7/deploy/1']);
    });

    it('proves it can be written', async () => {
      const store = await open();
      await expect(store.checkWritable(123)).resolves.toBeUndefined();
    });
  });
}
