import { emptyWorld, type World } from '../../core/model.js';
import type { ConsulKv } from '../consul/client.js';
import {
  newerSchemaMessage,
  STATE_SCHEMA_VERSION,
  type CompletedDelivery,
  type DeadLetter,
  type Delivery,
  type RunRecord,
  type SlotSample,
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

/** A day's slot samples as stored: `[at, used, cap]` triples, oldest first. */
type StoredSamples = [number, number, number][];

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
 * order Consul created their keys (CreateIndex, one order for every replica). The dashboard's
 * history: slot samples under `<prefix>/slots/<YYYY-MM-DD>`, one key per UTC day (a key holds
 * at most 512 KiB, Consul's value limit, about 15,000 samples); kept runs under
 * `<prefix>/runs/<ended at, 15 digits>-<run id>`, so their keys sort by end. Use
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

  const slotsPrefix = `${prefix}/slots/`;
  const runsPrefix = `${prefix}/runs/`;
  const dayKey = (at: number) => `${slotsPrefix}${new Date(at).toISOString().slice(0, 10)}`;
  const runKey = (run: RunRecord) =>
    `${runsPrefix}${String(run.endedAt ?? 0).padStart(15, '0')}-${encodeURIComponent(run.runId)}`;

  /** Keeps only the samples from the one in force at `keepSince` on; a lost race is left for later. */
  const pruneSamples = async (keepSince: number) => {
    const cutKey = dayKey(keepSince);
    const keys = await kv.keys(slotsPrefix);
    const older = keys.filter((k) => k < cutKey);
    const cutEntry = keys.includes(cutKey) ? await kv.get(cutKey) : undefined;
    const cutDay = cutEntry ? (JSON.parse(cutEntry.value) as StoredSamples) : [];
    const inForce = cutDay.findLastIndex(([at]) => at <= keepSince);
    // The sample in force is on the cut's day, or else the last of the newest older day.
    const trimKey = inForce >= 0 ? cutKey : older.at(-1);
    for (const k of inForce >= 0 ? older : older.slice(0, -1)) await kv.delete(k);
    const entry = trimKey === cutKey ? cutEntry : trimKey ? await kv.get(trimKey) : undefined;
    if (!trimKey || !entry) return;
    const samples = JSON.parse(entry.value) as StoredSamples;
    const from = inForce >= 0 ? inForce : samples.length - 1;
    if (from > 0) await kv.cas(trimKey, JSON.stringify(samples.slice(from)), entry.modifyIndex);
  };

  return {
    async addSlotSample(sample: SlotSample, keepSince: number) {
      const key = dayKey(sample.at);
      for (let attempt = 0; ; attempt++) {
        const entry = await kv.get(key);
        const samples = entry ? (JSON.parse(entry.value) as StoredSamples) : [];
        samples.push([sample.at, sample.used, sample.cap]);
        if (await kv.cas(key, JSON.stringify(samples), entry?.modifyIndex ?? 0)) break;
        if (attempt >= 10) throw new Error(`${key} kept changing under us in Consul KV`);
      }
      await pruneSamples(keepSince);
    },
    async slotSamples(since: number) {
      const keys = await kv.keys(slotsPrefix);
      // The sample in force at `since` may be on an earlier day than its own.
      const earlier = keys.filter((k) => k < dayKey(since)).at(-1);
      const wanted = keys.filter((k) => k >= (earlier ?? dayKey(since)));
      const all: SlotSample[] = [];
      for (const key of wanted) {
        const entry = await kv.get(key);
        for (const [at, used, cap] of entry ? (JSON.parse(entry.value) as StoredSamples) : [])
          all.push({ at, used, cap });
      }
      all.sort((a, b) => a.at - b.at);
      const lead = all.findLastIndex((s) => s.at <= since);
      return all.slice(Math.max(0, lead));
    },
    async keepRun(run: RunRecord, retention) {
      const key = runKey(run);
      await kv.put(key, JSON.stringify(run));
      // The same run kept before under another end time is replaced.
      const sameRun = (k: string) =>
        k.slice(runsPrefix.length + 16) === key.slice(runsPrefix.length + 16);
      const keys = await kv.keys(runsPrefix);
      const drop = new Set(keys.filter((k) => k !== key && sameRun(k)));
      const kept = keys.filter((k) => !drop.has(k)).sort();
      const cut = runKey({ ...run, endedAt: retention.endedSince, runId: '' });
      for (const k of kept.slice(0, Math.max(0, kept.length - retention.runs))) drop.add(k);
      for (const k of kept) if (k < cut) drop.add(k);
      for (const k of drop) await kv.delete(k);
    },
    async keptRuns() {
      return (await kv.list(runsPrefix)).reverse().map((e) => JSON.parse(e.value) as RunRecord);
    },
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
    async completed(limit = 100): Promise<CompletedDelivery[]> {
      return (await readAll())
        .filter((d) => d.stored.done)
        .sort((a, b) => a.entry.createIndex - b.entry.createIndex)
        .slice(0, limit)
        .map((d) => ({ id: d.id, name: d.stored.name, receivedAt: d.stored.receivedAt }));
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
