import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { STATE_SCHEMA_VERSION } from '../../bot/adapters/store/state-store.js';
import { StateStoreError } from '../../bot/adapters/store/store-error.js';
import { openSqliteStore, QUEUE_READS } from '../../bot/adapters/store/sqlite-store.js';
import { storeContract } from './store-contract.js';

const tempFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'prenv-store-')), 'state.db');

storeContract('SQLite store', async () => openSqliteStore(tempFile()));

describe('SQLite store durability', () => {
  it('keeps the world and the queue across a reopen', async () => {
    const file = tempFile();
    const store = openSqliteStore(file);
    const { world, version } = await store.loadWorld();
    await store.saveWorld({ ...world, seq: 42 }, version);
    await store.enqueue({ id: 'd-9', name: 'pull_request', payload: { a: 1 }, receivedAt: 5 });
    await store.close();
    const reopened = openSqliteStore(file);
    expect((await reopened.loadWorld()).world.seq).toBe(42);
    expect((await reopened.pending()).map((d) => d.id)).toEqual(['d-9']);
    await reopened.close();
  });
});

describe('SQLite store schema version', () => {
  it('stamps the file, migrates a file of the first release and refuses a newer one', async () => {
    const file = tempFile();
    const old = new Database(file);
    old.exec(
      'CREATE TABLE deliveries (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, payload TEXT, received_at INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0)',
    );
    old
      .prepare('INSERT INTO deliveries (id, name, payload, received_at) VALUES (?, ?, ?, ?)')
      .run('d-old', 'pull_request', '{}', 1);
    old.close();
    const store = openSqliteStore(file);
    expect((await store.pending()).map((d) => [d.id, d.attempts])).toEqual([['d-old', 0]]);
    await store.close();
    const stamped = new Database(file);
    expect(stamped.pragma('user_version', { simple: true })).toBe(STATE_SCHEMA_VERSION);
    stamped.pragma(`user_version = ${STATE_SCHEMA_VERSION + 1}`);
    stamped.close();
    expect(() => openSqliteStore(file)).toThrow(StateStoreError);
    expect(() => openSqliteStore(file)).toThrow(
      /written by a newer prenv \(state schema 2, this prenv reads up to 1\)/,
    );
  });
});

describe('SQLite store queue reads', () => {
  it('are answered from covering indexes, never from the rows that hold the payloads', async () => {
    const file = tempFile();
    const store = openSqliteStore(file);
    await store.enqueue({ id: 'q-1', name: 'pr_closed', payload: { n: 1 }, receivedAt: 1 });
    await store.close();
    const db = new Database(file, { readonly: true });
    const plan = (sql: string, ...args: unknown[]) =>
      db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...args)
        .map((row) => (row as { detail: string }).detail)
        .join('; ');
    expect(plan(QUEUE_READS.pending, 0, 10)).toMatch(/USING COVERING INDEX deliveries_queue\b/);
    expect(plan(QUEUE_READS.pendingNamed, '["pr_closed"]', 0, 10)).toMatch(
      /USING COVERING INDEX deliveries_queue_by_name\b/,
    );
    db.close();
  });
});
