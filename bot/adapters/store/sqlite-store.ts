import { closeSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import type Database from 'better-sqlite3';
import {
  markAdmitted,
  wasAdmitted,
  type AdmissionContext,
  type RawDelivery,
} from '../github/intake-outcome.js';
import { emptyWorld, type World } from '../../core/model.js';
import { GroupCommit, type StoreWrite } from './group-commit.js';
import { openReader, openWriter, QUEUE_READS, type DeliveryRow } from './sqlite-schema.js';
import {
  type CompletedDelivery,
  type DeadLetter,
  type Delivery,
  type RunRecord,
  type RunRetention,
  type SlotSample,
  type StateStore,
  type VersionedWorld,
} from './state-store.js';
import { CORRUPT_HINT, StateStoreError, toStateStoreError } from './store-error.js';

export { QUEUE_READS } from './sqlite-schema.js';

/** `checkWritable` upserts one row; errors are `StateStoreError`s naming the file. */
export type SqliteStore = StateStore & { file: string };

/**
 * The default store: one SQLite file (WAL), safe against a crash at any point. Opening checks
 * that the file can be read and written, so a bad file stops the bot at start; every error
 * names the file and what to do (`StateStoreError`). With `readOnly` (commands that only show
 * the state), a file at the current schema is opened without writing to it, and every write
 * rejects; any other file is opened as without it.
 */
export function openSqliteStore(file: string, options: { readOnly?: boolean } = {}): SqliteStore {
  const reader = options.readOnly ? openReader(file) : null;
  let db: Database.Database;
  if (reader) db = reader;
  else
    try {
      db = openWriter(file);
    } catch (err) {
      throw toStateStoreError(err, file, 'opening the state');
    }
  return storeOn(db, file, reader !== null);
}

function storeOn(db: Database.Database, file: string, readOnly: boolean): SqliteStore {
  const opened = statSync(file);
  const guard = <A extends unknown[], R>(doing: string, fn: (...args: A) => R) => {
    return async (...args: A): Promise<R> => {
      try {
        return fn(...args);
      } catch (err) {
        throw toStateStoreError(err, file, doing);
      }
    };
  };
  // A write answered as saved must survive a restart: not if the file went away.
  const group = new GroupCommit(file, () => {
    if (readOnly)
      throw new StateStoreError(`state file ${file}: opened to read only`, file, 'READONLY');
    assertSameFile(file, opened, false);
  });
  /** A write committed with the others of its group (see `GroupCommit`); resolves to rows changed. */
  const grouped = (doing: string, write: StoreWrite): Promise<number> =>
    group.write(write).catch((err: unknown) => {
      throw toStateStoreError(err, file, doing);
    });
  const selectWorld = db.prepare<[], { version: number; json: string }>(
    'SELECT version, json FROM world WHERE id = 1',
  );
  const COLUMNS = 'id, name, payload, received_at, attempts, last_error, next_attempt_at';
  const selectPending = db.prepare<[number, number], Omit<DeliveryRow, 'payload'>>(
    QUEUE_READS.pending,
  );
  const selectPendingNamed = db.prepare<[string, number, number], Omit<DeliveryRow, 'payload'>>(
    QUEUE_READS.pendingNamed,
  );
  const selectPayload = db.prepare<[string], { payload: string }>(
    'SELECT payload FROM deliveries WHERE id = ?',
  );
  /**
   * Parsed payloads of pending deliveries by id. A payload never changes once queued, and the
   * engine reads the queue (up to a thousand deliveries) before every plan: reading and parsing
   * each payload again cost more CPU than the intake itself. Forgotten when the delivery is
   * completed; cleared whole when it outgrows any queue read.
   */
  const payloads = new Map<string, unknown>();
  const PAYLOADS_KEPT = 5_000;
  const payloadOf = (id: string): unknown => {
    let payload = payloads.get(id);
    if (payload === undefined) {
      if (payloads.size >= PAYLOADS_KEPT) payloads.clear();
      payload = JSON.parse(selectPayload.get(id)!.payload) as unknown;
      payloads.set(id, payload);
    }
    return payload;
  };
  const selectDead = db.prepare<[number], DeliveryRow & { dead_at: number }>(
    `SELECT ${COLUMNS}, dead_at FROM deliveries WHERE done = 0 AND dead_at IS NOT NULL ORDER BY seq LIMIT ?`,
  );
  const requeue = db.prepare(
    'UPDATE deliveries SET attempts = 0, next_attempt_at = 0, dead_at = NULL WHERE id = ? AND done = 0 AND dead_at IS NOT NULL',
  );
  const exists = db.prepare<[string], { done: number }>('SELECT done FROM deliveries WHERE id = ?');
  const selectDone = db.prepare<[number], { id: string; name: string; received_at: number }>(
    'SELECT id, name, received_at FROM deliveries WHERE done = 1 ORDER BY seq LIMIT ?',
  );
  const pruneDone = db.prepare('DELETE FROM deliveries WHERE done = 1 AND received_at < ?');
  const touch = db.prepare(
    'INSERT INTO health (id, checked_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at',
  );

  // Slot samples and kept runs are the dashboard's history: plain writes outside the group
  // commit, as losing the last one in a crash loses a point of a chart, not a delivery.
  const insertSample = db.prepare('INSERT INTO slot_samples (at, used, cap) VALUES (?, ?, ?)');
  const pruneSamples = db.prepare(
    'DELETE FROM slot_samples WHERE at < ? AND at < (SELECT max(at) FROM slot_samples WHERE at <= ?)',
  );
  const selectSamples = db.prepare<[number, number], SlotSample>(
    `SELECT at, used, cap FROM slot_samples
     WHERE at >= coalesce((SELECT max(at) FROM slot_samples WHERE at <= ?), ?)
     ORDER BY at, rowid`,
  );
  const upsertRun = db.prepare(
    'INSERT INTO runs (run_id, ended_at, json) VALUES (?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET ended_at = excluded.ended_at, json = excluded.json',
  );
  const pruneRuns = db.prepare(
    'DELETE FROM runs WHERE ended_at < ? OR run_id NOT IN (SELECT run_id FROM runs ORDER BY ended_at DESC, rowid DESC LIMIT ?)',
  );
  const selectRuns = db.prepare<[], { json: string }>(
    'SELECT json FROM runs ORDER BY ended_at DESC, rowid DESC',
  );
  const keepRun = db.transaction((run: RunRecord, retention: RunRetention) => {
    upsertRun.run(run.runId, run.endedAt ?? 0, JSON.stringify(run));
    pruneRuns.run(retention.endedSince, retention.runs);
  });
  const addSample = db.transaction((sample: SlotSample, keepSince: number) => {
    insertSample.run(sample.at, sample.used, sample.cap);
    pruneSamples.run(keepSince, keepSince);
  });

  const toDelivery = (r: Omit<DeliveryRow, 'payload'>): Delivery => ({
    id: r.id,
    name: r.name,
    payload: payloadOf(r.id),
    receivedAt: r.received_at,
    attempts: r.attempts,
    lastError: r.last_error,
    nextAttemptAt: r.next_attempt_at,
  });

  return {
    file,
    loadWorld: guard('reading the world', (): VersionedWorld => {
      const row = selectWorld.get();
      if (!row) return { world: emptyWorld(), version: 0 };
      try {
        return { world: JSON.parse(row.json) as World, version: row.version };
      } catch (err) {
        throw new StateStoreError(
          `state file ${file}: the saved world is not valid JSON (${(err as Error).message}); ${CORRUPT_HINT}`,
          file,
          'SQLITE_CORRUPT',
        );
      }
    }),
    saveWorld: async (world: World, expectedVersion: number) => {
      const json = JSON.stringify(world);
      return (
        (await grouped('saving the world', { kind: 'saveWorld', json, expectedVersion })) === 1
      );
    },
    saveWorldFor: async (world: World, expectedVersion: number, deliveryId: string) => {
      const json = JSON.stringify(world);
      const write: StoreWrite = { kind: 'saveWorldFor', json, expectedVersion, id: deliveryId };
      const outcome = await grouped('saving the world', write);
      if (outcome !== 0) payloads.delete(deliveryId);
      return outcome === 1 ? 'saved' : outcome === 0 ? 'conflict' : 'done';
    },
    enqueue: async (d: Delivery) => {
      const payload = JSON.stringify(d.payload);
      const write = { kind: 'enqueue', id: d.id, name: d.name, payload, receivedAt: d.receivedAt };
      const changes = await grouped('queueing a delivery', write as StoreWrite);
      return changes === 1 ? ('queued' as const) : ('duplicate' as const);
    },
    admit: (delivery: RawDelivery, context: AdmissionContext) =>
      group.admit({ kind: 'admit', ...delivery, context }).catch((err: unknown) => {
        const wrapped = toStateStoreError(err, file, 'queueing a delivery');
        throw wasAdmitted(err) && wrapped instanceof Error ? markAdmitted(wrapped) : wrapped;
      }),
    pending: guard(
      'reading the delivery queue',
      (limit = 100, dueBy?: number, names?: readonly string[]) => {
        const due = dueBy ?? Number.MAX_SAFE_INTEGER;
        const rows = names
          ? selectPendingNamed.all(JSON.stringify(names), due, limit)
          : selectPending.all(due, limit);
        return rows.map(toDelivery);
      },
    ),
    complete: async (id: string) => {
      await grouped('completing a delivery', { kind: 'complete', id });
      payloads.delete(id);
    },
    fail: async (id: string, error: string, retryAt: number | null, now: number) => {
      const deadAt = retryAt === null ? now : null;
      const write: StoreWrite = { kind: 'fail', id, error, retryAt: retryAt ?? 0, deadAt };
      await grouped('recording a failed delivery', write);
    },
    completed: guard('reading completed deliveries', (limit = 100): CompletedDelivery[] =>
      selectDone.all(limit).map((r) => ({ id: r.id, name: r.name, receivedAt: r.received_at })),
    ),
    deadLetters: guard('reading dead letters', (limit = 100): DeadLetter[] =>
      selectDead.all(limit).map((r) => ({
        id: r.id,
        name: r.name,
        receivedAt: r.received_at,
        attempts: r.attempts,
        lastError: r.last_error ?? '',
        deadAt: r.dead_at,
        payload: JSON.parse(r.payload) as unknown,
      })),
    ),
    retry: guard('requeueing a delivery', (id: string) => {
      if (requeue.run(id).changes === 1) return 'requeued' as const;
      return exists.get(id) ? ('not_dead' as const) : ('unknown' as const);
    }),
    prune: guard('pruning deliveries', (before: number) => pruneDone.run(before).changes),
    addSlotSample: guard('recording the slots used', (sample: SlotSample, keepSince: number) => {
      addSample.immediate(sample, keepSince);
    }),
    slotSamples: guard('reading the slots used', (since: number) =>
      selectSamples.all(since, since),
    ),
    keepRun: guard('keeping a run', (run: RunRecord, retention: RunRetention) => {
      keepRun.immediate(run, retention);
    }),
    keptRuns: guard('reading kept runs', () =>
      selectRuns.all().map((r) => JSON.parse(r.json) as RunRecord),
    ),
    checkWritable: guard('writing', (now: number) => {
      assertSameFile(file, opened, true);
      touch.run(now);
    }),
    close: async () => {
      await group.close();
      await guard('closing', () => db.close())();
    },
  };
}

const SQLITE_MAGIC = 'SQLite format 3\0';

/**
 * Throws when the path no longer leads to the file the store opened: deleted, or replaced (a
 * restore, a move). SQLite keeps writing to the open file, which a restart would never read
 * again, so everything saved since would be lost. With `header`, also when the file's first
 * bytes are no longer SQLite's header (overwritten while open; sqlite.org/fileformat.html §1.3).
 */
function assertSameFile(file: string, opened: Stats, header: boolean): void {
  let now: Stats;
  try {
    now = statSync(file);
  } catch {
    throw new StateStoreError(
      `state file ${file}: it was deleted while the bot ran, and what is saved now would be lost at the next start; restore it or restart the bot (the reconciler rebuilds the environments from GitHub and the cloud)`,
      file,
      'ENOENT',
    );
  }
  if (now.ino !== opened.ino || now.dev !== opened.dev)
    throw new StateStoreError(
      `state file ${file}: another file took its place while the bot ran; restart the bot to use it, or move the original back`,
      file,
      'REPLACED',
    );
  if (!header || now.size < SQLITE_MAGIC.length) return;
  const bytes = Buffer.alloc(SQLITE_MAGIC.length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, bytes, 0, bytes.length, 0);
  } finally {
    closeSync(fd);
  }
  if (bytes.toString('latin1') !== SQLITE_MAGIC)
    throw new StateStoreError(
      `state file ${file}: it was overwritten while the bot ran (no SQLite header); ${CORRUPT_HINT}`,
      file,
      'SQLITE_NOTADB',
    );
}
