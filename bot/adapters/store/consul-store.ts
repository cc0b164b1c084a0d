import { emptyWorld, type World } from '../../core/model.js';
import type { ConsulKv } from '../consul/client.js';
import type { Delivery, StateStore, VersionedWorld } from './state-store.js';

interface StoredDelivery {
  name: string;
  payload: unknown;
  receivedAt: number;
  seq: number;
  done: boolean;
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
    async pending(limit = 100) {
      const all = await readAll();
      return all
        .filter((d) => !d.stored.done)
        .sort((a, b) => a.stored.seq - b.stored.seq)
        .slice(0, limit)
        .map((d) => ({
          id: d.id,
          name: d.stored.name,
          payload: d.stored.payload,
          receivedAt: d.stored.receivedAt,
        }));
    },
    async complete(id: string) {
      const entry = await kv.get(deliveryKey(id));
      if (!entry) return;
      const stored = JSON.parse(entry.value) as StoredDelivery;
      await kv.cas(
        deliveryKey(id),
        JSON.stringify({ ...stored, payload: null, done: true }),
        entry.modifyIndex,
      );
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
    async close() {},
  };
}
