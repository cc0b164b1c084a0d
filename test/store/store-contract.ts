import { describe, expect, it } from 'vitest';
import { emptyWorld } from '../../bot/core/model.js';
import type { StateStore } from '../../bot/adapters/store/state-store.js';

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

    it('forgets only completed deliveries older than the cut-off', async () => {
      const store = await open();
      await store.enqueue({ id: 'old', name: 'x', payload: null, receivedAt: 100 });
      await store.enqueue({ id: 'new', name: 'x', payload: null, receivedAt: 900 });
      await store.enqueue({ id: 'open', name: 'x', payload: null, receivedAt: 50 });
      await store.complete('old');
      await store.complete('new');
      expect(await store.prune(500)).toBe(1);
      expect(await store.enqueue({ id: 'old', name: 'x', payload: null, receivedAt: 1000 })).toBe(
        'queued',
      );
      expect(await store.enqueue({ id: 'new', name: 'x', payload: null, receivedAt: 1000 })).toBe(
        'duplicate',
      );
      expect((await store.pending()).map((d) => d.id)).toEqual(['open', 'old']);
    });
  });
}
