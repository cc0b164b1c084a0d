import { emptyWorld, type World } from '../../core/model.js';
import type { ConsulKv } from '../consul/client.js';
import {
  newerSchemaMessage,
  STATE_SCHEMA_VERSION,
  type DeadLetter,
  type Delivery,
  type StateStore,
  type VersionedWorld,
} from './state-store.js';
import { StateStoreError } from './store-error.js';

interface StoredDelivery {
  name: string;
  payload: unknown;
  receivedAt: number;
  /** Kept for stores written before the order came from Consul's CreateIndex. */
  seq?: number;
  done: boolean;
  attempts?: number;
  lastError?: string | null;
  nextAttemptAt?: number;
  deadAt?: number | null;
}

/** Migrations of the KV layout: entry `i` takes a store from schema `i` to `i + 1`. */
const MIGRATIONS: ((kv: ConsulKv, prefix: string) => Promise<void>)[] = [
  // 0 → 1: the layout did not change; the version key is new.
  async () => {},
];

/**
 * Opens the Consul store at `prefix` after checking the schema version kept at
 * `<prefix>/schema` (`{"version":n}`): an older layout is migrated, a newer one refused with
 * `StateStoreError` (`code` SCHEMA_NEWER). Consul errors (unreachable, forbidden) pass through.
 */
export async function openConsulStore(kv: ConsulKv, prefix: string): Promise<StateStore> {
  const key = `${prefix}/schema`;
  for (;;) {
    const entry = await kv.get(key);
    const found = entry
      ? Number((JSON.parse(entry.value) as { version?: unknown }).version ?? NaN)
      : (await kv.get(`${prefix}/world`)) || (await kv.list(`${prefix}/deliveries/`)).length
        ? 0
        : STATE_SCHEMA_VERSION;
    if (!Number.isInteger(found) || found < 0)
      throw new StateStoreError(
        `Consul KV ${key}: not a prenv schema version (${entry?.value.slice(0, 100) ?? ''})`,
        `consul:${prefix}`,
        'SCHEMA_INVALID',
      );
    if (found > STATE_SCHEMA_VERSION)
      throw new StateStoreError(
        newerSchemaMessage(`Consul KV ${prefix}`, found),
        `consul:${prefix}`,
        'SCHEMA_NEWER',
      );
    if (entry && found === STATE_SCHEMA_VERSION) break;
    for (let v = found; v < STATE_SCHEMA_VERSION; v++) await MIGRATIONS[v]!(kv, prefix);
    // Replicas starting together: one writes the version, the others read it again.
    const value = JSON.stringify({ version: STATE_SCHEMA_VERSION });
    if (await kv.cas(key, value, entry?.modifyIndex ?? 0)) break;
  }
  return consulStore(kv, prefix);
}

/**
 * Whether `prefix` holds a prenv state: its schema version, its world or a delivery (a layout
 * older than the version key). Reads only; Consul errors pass through.
 */
export async function holdsConsulState(kv: ConsulKv, prefix: string): Promise<boolean> {
  return (
    (await kv.get(`${prefix}/schema`)) !== undefined ||
    (await kv.get(`${prefix}/world`)) !== undefined ||
    (await kv.keys(`${prefix}/deliveries/`)).length > 0
  );
}

/**
 * The store for several bot replicas: the World under `<prefix>/world`, written with
 * check-and-set on its ModifyIndex; each delivery under `<prefix>/deliveries/<id>`, created
 * with cas=0 so a redelivery is refused by Consul itself. Deliveries are handed out in the
 * order Consul created their keys (CreateIndex, one order for every replica). Use
 * `openConsulStore`, which checks the schema version first.
 */
export function consulStore(kv: ConsulKv, prefix: string): StateStore {
  const worldKey = `${prefix}/world`;
  const deliveryKey = (id: string) => `${prefix}/deliveries/${encodeURIComponent(id)}`;
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
    async saveWorldFor(world: World, expectedVersion: number, deliveryId: string) {
      const key = deliveryKey(deliveryId);
      const entry = await kv.get(key);
      const stored = entry ? (JSON.parse(entry.value) as StoredDelivery) : null;
      if (!entry || !stored || stored.done) return 'done';
      const saved = await kv.casAll([
        { key: worldKey, value: JSON.stringify(world), modifyIndex: expectedVersion },
        {
          key,
          value: JSON.stringify({ ...stored, payload: null, done: true }),
          modifyIndex: entry.modifyIndex,
        },
      ]);
      if (saved) return 'saved';
      const now = await kv.get(key);
      return !now || (JSON.parse(now.value) as StoredDelivery).done ? 'done' : 'conflict';
    },
    async enqueue(d: Delivery) {
      const stored: StoredDelivery = {
        name: d.name,
        payload: d.payload,
        receivedAt: d.receivedAt,
        done: false,
      };
      return (await kv.cas(deliveryKey(d.id), JSON.stringify(stored), 0)) ? 'queued' : 'duplicate';
    },
    async pending(limit = 100, dueBy = Number.MAX_SAFE_INTEGER, names?: readonly string[]) {
      const all = await readAll();
      return all
        .filter((d) => !d.stored.done && d.stored.deadAt == null)
        .filter((d) => names === undefined || names.includes(d.stored.name))
        .filter((d) => (d.stored.nextAttemptAt ?? 0) <= dueBy)
        .sort((a, b) => a.entry.createIndex - b.entry.createIndex)
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
        .sort((a, b) => a.entry.createIndex - b.entry.createIndex)
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
