import Database from 'better-sqlite3';
import { emptyWorld, type World } from '../../core/model.js';
import type { Delivery, StateStore, VersionedWorld } from './state-store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS world (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL,
  json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  payload TEXT,
  received_at INTEGER NOT NULL,
  done INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries (done, seq);
`;

/** The default store: one SQLite file (WAL), safe against a crash at any point. */
export function openSqliteStore(file: string): StateStore & { file: string } {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);
  const selectWorld = db.prepare<[], { version: number; json: string }>(
    'SELECT version, json FROM world WHERE id = 1',
  );
  const insertWorld = db.prepare(
    'INSERT OR IGNORE INTO world (id, version, json) VALUES (1, 1, ?)',
  );
  const updateWorld = db.prepare(
    'UPDATE world SET version = version + 1, json = ? WHERE id = 1 AND version = ?',
  );
  const insertDelivery = db.prepare(
    'INSERT OR IGNORE INTO deliveries (id, name, payload, received_at) VALUES (?, ?, ?, ?)',
  );
  const selectPending = db.prepare<
    [number],
    { id: string; name: string; payload: string; received_at: number }
  >('SELECT id, name, payload, received_at FROM deliveries WHERE done = 0 ORDER BY seq LIMIT ?');
  const markDone = db.prepare('UPDATE deliveries SET done = 1, payload = NULL WHERE id = ?');
  const pruneDone = db.prepare('DELETE FROM deliveries WHERE done = 1 AND received_at < ?');

  return {
    file,
    async loadWorld(): Promise<VersionedWorld> {
      const row = selectWorld.get();
      return row
        ? { world: JSON.parse(row.json) as World, version: row.version }
        : { world: emptyWorld(), version: 0 };
    },
    async saveWorld(world: World, expectedVersion: number): Promise<boolean> {
      const json = JSON.stringify(world);
      const result =
        expectedVersion === 0 ? insertWorld.run(json) : updateWorld.run(json, expectedVersion);
      return result.changes === 1;
    },
    async enqueue(d: Delivery) {
      const result = insertDelivery.run(d.id, d.name, JSON.stringify(d.payload), d.receivedAt);
      return result.changes === 1 ? 'queued' : 'duplicate';
    },
    async pending(limit = 100): Promise<Delivery[]> {
      return selectPending.all(limit).map((r) => ({
        id: r.id,
        name: r.name,
        payload: JSON.parse(r.payload) as unknown,
        receivedAt: r.received_at,
      }));
    },
    async complete(id: string) {
      markDone.run(id);
    },
    async prune(before: number) {
      return pruneDone.run(before).changes;
    },
    async close() {
      db.close();
    },
  };
}
