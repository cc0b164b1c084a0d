import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
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
