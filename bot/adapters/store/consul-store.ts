import { emptyWorld, type World } from '../../core/model.js';
import type { ConsulKv } from '../consul/client.js';
import type { DeadLetter, Delivery, StateStore, VersionedWorld } from './state-store.js';

interface StoredDelivery {
  name: string;
  payload: unknown;
  receivedAt: number;
  seq: number;
  done: boolean;
  attempts?: number;
  lastError?: string | null;
  nextAttemptAt?: number;
  deadAt?: number | null;
}

/**
 * The store for several bot replicas: the World under `<prefix>/world`, written with
 * check-and-set on its ModifyIndex; each delivery under `<prefix>/deliveries/<id>`, created
 * with cas=0 so a redelivery is refused by Consul itself.
 */
export function consulStore(
  kv: ConsulKv,
  prefix: string,
  clock: () => number = Date.now,
): StateStore {
  const worldKey = `${prefix}/world`;
  const deliveryKey = (id: string) => `${prefix}/deliveries/${encodeURIComponent(id)}`;
  let seq = 0;

  const readAll = async () =>
    (await kv.list(`${prefix}/deliveries/`)).map((e) => ({
      id: decodeURIComponent(e.key.slice(`${prefix}/deliveries/`.length)),
      entry: e,
      stored: JSON.parse(e.value) as StoredDelivery,
    }));

  /** Rewrites one delivery with check-and-set, again on a concurrent change; null: leave it. */
  const update = async (
    id: string,
    change: (stored: StoredDelivery) => StoredDelivery | null,
  ): Promise<void> => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const entry = await kv.get(deliveryKey(id));
      if (!entry) return;
      const next = change(JSON.parse(entry.value) as StoredDelivery);
      if (next === null) return;
      if (await kv.cas(deliveryKey(id), JSON.stringify(next), entry.modifyIndex)) return;
    }
    throw new Error(`delivery ${id} kept changing under us in Consul KV`);
  };

  return {
    async loadWorld(): Promise<VersionedWorld> {
      const entry = await kv.get(worldKey);
      return entry
        ? { world: JSON.parse(entry.value) as World, version: entry.modifyIndex }
        : { world: emptyWorld(), version: 0 };
    },
    async saveWorld(world: World, expectedVersion: number) {
      return kv.cas(worldKey, JSON.stringify(world), expectedVersion);
    },
    async enqueue(d: Delivery) {
      seq = Math.max(seq + 1, clock() * 1000);
      const stored: StoredDelivery = {
        name: d.name,
        payload: d.payload,
        receivedAt: d.receivedAt,
        seq,
        done: false,
      };
      return (await kv.cas(deliveryKey(d.id), JSON.stringify(stored), 0)) ? 'queued' : 'duplicate';
    },
    async pending(limit = 100, dueBy = Number.MAX_SAFE_INTEGER) {
      const all = await readAll();
      return all
        .filter((d) => !d.stored.done && d.stored.deadAt == null)
        .filter((d) => (d.stored.nextAttemptAt ?? 0) <= dueBy)
        .sort((a, b) => a.stored.seq - b.stored.seq)
        .slice(0, limit)
        .map((d) => ({
          id: d.id,
          name: d.stored.name,
          payload: d.stored.payload,
          receivedAt: d.stored.receivedAt,
          attempts: d.stored.attempts ?? 0,
          lastError: d.stored.lastError ?? null,
          nextAttemptAt: d.stored.nextAttemptAt ?? 0,
        }));
    },
    async complete(id: string) {
      await update(id, (stored) => ({ ...stored, payload: null, done: true }));
    },
    async fail(id: string, error: string, retryAt: number | null, now: number) {
      await update(id, (stored) =>
        stored.done
          ? null
          : {
              ...stored,
              attempts: (stored.attempts ?? 0) + 1,
              lastError: error,
              nextAttemptAt: retryAt ?? 0,
              deadAt: retryAt === null ? now : null,
            },
      );
    },
    async deadLetters(limit = 100): Promise<DeadLetter[]> {
      return (await readAll())
        .filter((d) => !d.stored.done && d.stored.deadAt != null)
        .sort((a, b) => a.stored.seq - b.stored.seq)
        .slice(0, limit)
        .map((d) => ({
          id: d.id,
          name: d.stored.name,
          receivedAt: d.stored.receivedAt,
          attempts: d.stored.attempts ?? 0,
          lastError: d.stored.lastError ?? '',
          deadAt: d.stored.deadAt ?? 0,
          payload: d.stored.payload,
        }));
    },
    async retry(id: string) {
      let outcome: 'requeued' | 'not_dead' | 'unknown' = 'unknown';
      await update(id, (stored) => {
        if (stored.done || stored.deadAt == null) {
          outcome = 'not_dead';
          return null;
        }
        outcome = 'requeued';
        return { ...stored, attempts: 0, nextAttemptAt: 0, deadAt: null };
      });
      return outcome;
    },
    async prune(before: number) {
      let removed = 0;
      for (const d of await readAll()) {
        if (
          d.stored.done &&
          d.stored.receivedAt < before &&
          (await kv.deleteCas(d.entry.key, d.entry.modifyIndex))
        ) {
          removed++;
        }
      }
      return removed;
    },
    async checkWritable(now: number) {
      await kv.put(`${prefix}/health`, JSON.stringify({ checkedAt: now }));
    },
    async close() {},
  };
}
