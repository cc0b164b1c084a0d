/**
 * The SQLite store opened to read only (what `prenv list`, `status` and `cost` use): it reads
 * what the bot committed, even while the bot holds the file open, writes nothing to the file,
 * refuses writes, and a file it cannot read so is opened as without the option.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import { emptyWorld } from '../../bot/core/model.js';
import { STATE_SCHEMA_VERSION } from '../../bot/adapters/store/state-store.js';
import { StateStoreError } from '../../bot/adapters/store/store-error.js';

const tempFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'prenv-ro-')), 'state.db');
const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A state file as the bot leaves it: a saved world and one dead letter. */
async function botState() {
  const file = tempFile();
  const bot = openSqliteStore(file);
  const { world, version } = await bot.loadWorld();
  await bot.saveWorld({ ...world, seq: 7 }, version);
  await bot.enqueue({ id: 'd-1', name: 'pull_request', payload: { n: 1 }, receivedAt: 1 });
  await bot.fail('d-1', 'boom', null, 5);
  await bot.close();
  return file;
}

describe('SQLite store opened to read only', () => {
  it('reads the world, the queue and the dead letters, and leaves the file as it was', async () => {
    const file = await botState();
    const before = { hash: digest(file), mtimeMs: statSync(file).mtimeMs };
    const reader = openSqliteStore(file, { readOnly: true });
    expect((await reader.loadWorld()).world.seq).toBe(7);
    expect((await reader.deadLetters()).map((d) => [d.id, d.lastError])).toEqual([['d-1', 'boom']]);
    expect(await reader.pending()).toEqual([]);
    await reader.close();
    expect({ hash: digest(file), mtimeMs: statSync(file).mtimeMs }).toEqual(before);
    // Opened as the bot opens it, the same file changes (the health row): the check can fail.
    const writer = openSqliteStore(file);
    await writer.close();
    expect(digest(file)).not.toBe(before.hash);
  });

  it('reads what the bot committed while the bot holds the file open', async () => {
    const file = await botState();
    const bot = openSqliteStore(file);
    const { world, version } = await bot.loadWorld();
    await bot.saveWorld({ ...world, seq: 8 }, version);
    const reader = openSqliteStore(file, { readOnly: true });
    expect((await reader.loadWorld()).world.seq).toBe(8);
    await reader.close();
    // The bot goes on writing after the reader closed.
    const next = await bot.loadWorld();
    expect(await bot.saveWorld({ ...next.world, seq: 9 }, next.version)).toBe(true);
    await bot.close();
  });

  it.each<[string, (store: ReturnType<typeof openSqliteStore>) => Promise<unknown>]>([
    ['saveWorld', (s) => s.saveWorld({ ...emptyWorld(), seq: 1 }, 1)],
    ['enqueue', (s) => s.enqueue({ id: 'x', name: 'pull_request', payload: {}, receivedAt: 1 })],
    ['complete', (s) => s.complete('d-1')],
    ['fail', (s) => s.fail('d-1', 'again', 10, 5)],
    ['retry', (s) => s.retry('d-1')],
  ])('refuses %s with a StateStoreError naming the file', async (_, write) => {
    const file = await botState();
    const before = digest(file);
    const reader = openSqliteStore(file, { readOnly: true });
    const err = await write(reader).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateStoreError);
    expect((err as Error).message).toContain(file);
    await reader.close();
    expect(digest(file)).toBe(before);
  });

  it('opens a file of an older schema as the bot does, migrating it', async () => {
    const file = tempFile();
    const old = new Database(file);
    old.exec(
      'CREATE TABLE deliveries (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, payload TEXT, received_at INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0)',
    );
    old.close();
    const reader = openSqliteStore(file, { readOnly: true });
    expect(await reader.deadLetters()).toEqual([]);
    await reader.close();
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(STATE_SCHEMA_VERSION);
    check.close();
  });

  it.each([
    ['a newer schema', (db: Database.Database) => db.pragma('user_version = 99'), /newer/],
    ['no SQLite file', null, /not a SQLite|not a database|corrupt/i],
  ] as const)('says what is wrong with %s, as without the option', async (_, change, message) => {
    const file = change ? await botState() : tempFile();
    if (change) {
      const db = new Database(file);
      change(db);
      db.close();
    } else {
      writeFileSync(file, 'this is not a database, it is long enough to be read as one '.repeat(4));
    }
    const errors = [true, false].map((readOnly) => {
      try {
        openSqliteStore(file, { readOnly });
        return null;
      } catch (err) {
        return err as Error;
      }
    });
    expect(errors[0]).toBeInstanceOf(StateStoreError);
    expect(errors[0]?.message).toMatch(message);
    expect(errors[0]?.message).toBe(errors[1]?.message);
  });
});
