import Database from 'better-sqlite3';
import { newerSchemaMessage, STATE_SCHEMA_VERSION } from './state-store.js';
import { StateStoreError } from './store-error.js';

/** The SQLite state file's tables and indexes, its migrations, and its two ways of opening. */

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
CREATE TABLE IF NOT EXISTS health (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  checked_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS slot_samples (
  at INTEGER NOT NULL,
  used INTEGER NOT NULL,
  cap INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS slot_samples_at ON slot_samples (at);
CREATE TABLE IF NOT EXISTS runs (
  run_id TEXT PRIMARY KEY,
  ended_at INTEGER NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_ended ON runs (ended_at);
`;

/** Columns added after the first release; older files get them on open. */
const ADDED_COLUMNS: [string, string][] = [
  ['attempts', 'INTEGER NOT NULL DEFAULT 0'],
  ['last_error', 'TEXT'],
  ['next_attempt_at', 'INTEGER NOT NULL DEFAULT 0'],
  ['dead_at', 'INTEGER'],
];

/**
 * The queue's reads answered from indexes alone. The columns added later sit after the payload
 * in each row, so a read of the pending rows from the table walked every payload, and each
 * commit of the writer thread empties this connection's page cache: in a storm every plan
 * re-read the whole backlog from disk. These partial indexes hold only pending deliveries.
 */
const QUEUE_INDEXES = `
CREATE INDEX IF NOT EXISTS deliveries_queue ON deliveries
  (seq, next_attempt_at, name, id, received_at, attempts, last_error, done, dead_at)
  WHERE done = 0 AND dead_at IS NULL;
CREATE INDEX IF NOT EXISTS deliveries_queue_by_name ON deliveries
  (name, seq, next_attempt_at, id, received_at, attempts, last_error, done, dead_at)
  WHERE done = 0 AND dead_at IS NULL;
`;

const QUEUE_INDEX_NAMES = ['deliveries_queue', 'deliveries_queue_by_name'] as const;

/** The queue's reads, each answered by a covering index of `QUEUE_INDEXES` (tests check it). */
export const QUEUE_READS = {
  /** Parameters: due by (epoch ms), limit. */
  pending: `SELECT id, name, received_at, attempts, last_error, next_attempt_at FROM deliveries INDEXED BY deliveries_queue WHERE done = 0 AND dead_at IS NULL AND next_attempt_at <= ? ORDER BY seq LIMIT ?`,
  /** Parameters: JSON array of names, due by (epoch ms), limit. */
  pendingNamed: `SELECT id, name, received_at, attempts, last_error, next_attempt_at FROM deliveries INDEXED BY deliveries_queue_by_name WHERE name IN (SELECT value FROM json_each(?)) AND done = 0 AND dead_at IS NULL AND next_attempt_at <= ? ORDER BY seq LIMIT ?`,
};

/** A row of the deliveries table, as the queue reads it. */
export interface DeliveryRow {
  id: string;
  name: string;
  payload: string;
  received_at: number;
  attempts: number;
  last_error: string | null;
  next_attempt_at: number;
}

/**
 * A connection that only reads (`prenv list`, `status`, `cost`): no schema change, no health
 * row, so no commit and no sync of the disk. Null when the file is not at the current schema
 * version or cannot be opened so: the writer's open then migrates it or says what is wrong.
 */
export function openReader(file: string): Database.Database | null {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    if (db.pragma('user_version', { simple: true }) !== STATE_SCHEMA_VERSION) {
      db.close();
      return null;
    }
    // A file written before the queue's indexes existed: the writer adds them.
    const indexes = db
      .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name IN (?, ?)")
      .get(...QUEUE_INDEX_NAMES) as { n: number };
    if (indexes.n !== QUEUE_INDEX_NAMES.length) {
      db.close();
      return null;
    }
    db.prepare('SELECT json FROM world WHERE id = 1').get();
    return db;
  } catch {
    db?.close();
    return null;
  }
}

/** The bot's connection: WAL, migrated to the current schema, and shown to be writable. */
export function openWriter(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = FULL');
  // The schema version lives in SQLite's header field for applications (user_version).
  const found = db.pragma('user_version', { simple: true }) as number;
  if (found > STATE_SCHEMA_VERSION)
    throw new StateStoreError(
      newerSchemaMessage(`state file ${file}`, found),
      file,
      'SCHEMA_NEWER',
    );
  db.exec(SCHEMA);
  // 0 → 1: files of the first release lack the retry columns.
  const columns = new Set(
    (db.pragma('table_info(deliveries)') as { name: string }[]).map((c) => c.name),
  );
  for (const [name, type] of ADDED_COLUMNS) {
    if (!columns.has(name)) db.exec(`ALTER TABLE deliveries ADD COLUMN ${name} ${type}`);
  }
  db.exec(QUEUE_INDEXES);
  if (found < STATE_SCHEMA_VERSION) db.pragma(`user_version = ${STATE_SCHEMA_VERSION}`);
  db.prepare('SELECT json FROM world WHERE id = 1').get();
  // A file opened read-only answers reads; only a write shows it at start.
  db.prepare(
    'INSERT INTO health (id, checked_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at',
  ).run(Date.now());
  return db;
}
