import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import { emptyWorld } from '../../bot/core/model.js';
import { repoRoot } from '../support/tools.js';

const tempFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'prenv-group-')), 'state.db');
const delivery = (id: string) => ({ id, name: 'pr_opened', payload: { id }, receivedAt: 1 });

describe('SQLite store: writes asked for together are committed together', () => {
  it('answers each of many concurrent enqueues, in order, a repeated id once', async () => {
    const file = tempFile();
    const store = openSqliteStore(file);
    const ids = Array.from({ length: 300 }, (_, i) => `d-${i % 250}`);
    const answers = await Promise.all(ids.map((id) => store.enqueue(delivery(id))));
    expect(answers.filter((a) => a === 'queued')).toHaveLength(250);
    // The first of two with one id is queued, the second is the duplicate.
    expect(answers.slice(0, 250).every((a) => a === 'queued')).toBe(true);
    expect(answers.slice(250).every((a) => a === 'duplicate')).toBe(true);
    expect((await store.pending(1000)).map((d) => d.id)).toEqual(ids.slice(0, 250));
    await store.close();
  });

  it('keeps check-and-set within one group: of two saves from one version, the first wins', async () => {
    const store = openSqliteStore(tempFile());
    const world = emptyWorld();
    const [first, second] = await Promise.all([
      store.saveWorld({ ...world, seq: 1 }, 0),
      store.saveWorld({ ...world, seq: 2 }, 0),
    ]);
    expect([first, second]).toEqual([true, false]);
    expect((await store.loadWorld()).world.seq).toBe(1);
    await store.close();
  });

  it('has every answered write on disk, read by another connection, and commits what is queued at close', async () => {
    const file = tempFile();
    const store = openSqliteStore(file);
    await store.enqueue(delivery('seen'));
    const reader = new Database(file, { readonly: true });
    const count = () =>
      (reader.prepare('SELECT COUNT(*) AS n FROM deliveries').get() as { n: number }).n;
    expect(count()).toBe(1);
    const late = store.enqueue(delivery('late'));
    await store.close();
    expect(await late).toBe('queued');
    expect(count()).toBe(2);
    reader.close();
    await expect(store.enqueue(delivery('after'))).rejects.toThrow(/closed/);
  });

  it('lets a command exit once it closed the store: the writer thread holds the process only while it writes', async () => {
    const file = tempFile();
    const script = [
      `import { openSqliteStore } from ${JSON.stringify(path.join(repoRoot, 'bot/adapters/store/sqlite-store.ts'))};`,
      `const store = openSqliteStore(${JSON.stringify(file)});`,
      `await store.enqueue({ id: 'cli', name: 'x', payload: {}, receivedAt: 1 });`,
      `await new Promise((r) => setTimeout(r, 20));`,
      `await store.close();`,
      `console.log('closed');`,
    ].join('\n');
    const scriptFile = path.join(path.dirname(file), 'close.mts');
    writeFileSync(scriptFile, script);
    const run = await execa('node', ['--import', 'tsx', scriptFile], {
      cwd: repoRoot,
      reject: false,
    });
    expect([run.exitCode, run.stdout, run.stderr]).toEqual([0, 'closed', '']);
  });
});

describe('SQLite store: the writer thread and the main connection write at once', () => {
  it('loses no group to a write of the other connection between its read and its write', async () => {
    const store = openSqliteStore(tempFile());
    await store.saveWorld(emptyWorld(), 0);
    const ids = Array.from({ length: 400 }, (_, i) => `c-${i}`);
    await Promise.all(ids.slice(0, 200).map((id) => store.enqueue(delivery(id))));
    // Each group starts with a read (saveWorldFor checks its delivery is pending), then writes;
    // the slot samples and kept runs are written on the main connection meanwhile.
    const writes: Promise<unknown>[] = [];
    let settled = false;
    const samples = (async () => {
      for (let at = 0; !settled; at++) {
        await store.addSlotSample({ at, used: at % 15, cap: 15 }, 0);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    for (const [i, id] of ids.entries()) {
      writes.push(i < 200 ? store.saveWorldFor(emptyWorld(), 1, id) : store.enqueue(delivery(id)));
      if (i % 4 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const all = Promise.allSettled(writes).finally(() => (settled = true));
    writes.push(samples);
    await all;
    const outcomes = await Promise.allSettled(writes);
    const failed = outcomes.filter((o) => o.status === 'rejected');
    expect(failed.map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
    await store.close();
  });
});
