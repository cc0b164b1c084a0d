import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../bot/core/logger.js';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import type { Delivery } from '../../bot/adapters/store/state-store.js';
import { StateStoreError, toStateStoreError } from '../../bot/adapters/store/store-error.js';
import { checkHealth, publicHealth, type HealthDeps } from '../../bot/server/health.js';
import { close, createBotHttpServer, listen } from '../../bot/server/http-server.js';
import { runCli } from '../cli/run-cli.js';
import { AIPACTO_YML } from '../cli/views/view-fixtures.js';

const NOW = 1_000_000_000;
const MINUTE = 60_000;

function store(options: { pending?: Partial<Delivery>[]; writable?: boolean } = {}) {
  return {
    checkWritable: async () => {
      if (options.writable === false)
        throw new StateStoreError(
          'state file /s.db: writing failed (SQLITE_FULL: full)',
          '/s.db',
          'SQLITE_FULL',
        );
    },
    pending: async () =>
      (options.pending ?? []).map((d, i) => ({
        id: `d${i}`,
        name: 'x',
        payload: null,
        receivedAt: NOW,
        ...d,
      })),
    deadLetters: async () => [],
  } satisfies HealthDeps['store'];
}

describe('/healthz: honest about the store and the worker', () => {
  it.each<[string, Parameters<typeof store>[0], number, boolean, RegExp]>([
    ['idle, nothing waiting', {}, 60 * MINUTE, true, /^ok$/],
    ['busy and progressing', { pending: [{ receivedAt: NOW - 10 * MINUTE }] }, 1_000, true, /^ok$/],
    [
      'a fresh delivery after a long idle',
      { pending: [{ receivedAt: NOW - 1_000 }] },
      60 * MINUTE,
      true,
      /^ok$/,
    ],
    [
      'due deliveries and no progress for the stall time',
      { pending: [{ receivedAt: NOW - 10 * MINUTE }, {}] },
      6 * MINUTE,
      false,
      /^stalled: 2 due deliveries, the oldest due for 600 s, no progress for 360 s$/,
    ],
    [
      'a retried delivery counts from when it became due',
      { pending: [{ receivedAt: NOW - 60 * MINUTE, nextAttemptAt: NOW - MINUTE }] },
      60 * MINUTE,
      true,
      /^ok$/,
    ],
  ])('%s', async (_what, setup, idleMs, ok, worker) => {
    const health = await checkHealth({
      store: store(setup),
      lastProgressAt: () => NOW - idleMs,
      stallMs: 5 * MINUTE,
      clock: () => NOW,
    });
    expect(health.ok).toBe(ok);
    expect(health.detail.worker).toMatch(worker);
  });
});

describe('/healthz tells an anonymous caller the status and a word per check, nothing more', () => {
  /** A store whose write fails with an error naming its file and a Consul address. */
  const failing = {
    ...store(),
    checkWritable: async () => {
      throw new StateStoreError(
        'Consul KV at http://consul.internal.aipacto.com:8500: prenv/aipacto/pr-41 (branch feature/secret-launch) failed',
        '/var/lib/prenv/aipacto.db',
        'EIO',
      );
    },
  };
  const stalled = store({ pending: [{ receivedAt: NOW - 10 * MINUTE }, {}, {}] });

  it.each<[string, HealthDeps['store'], number, Record<string, string>]>([
    ['healthy', store(), 200, { status: 'ok', store: 'ok', worker: 'ok' }],
    [
      'a store that cannot be written',
      failing,
      503,
      { status: 'failing', store: 'not_writable', worker: 'ok' },
    ],
    ['a stalled worker', stalled, 503, { status: 'failing', store: 'ok', worker: 'stalled' }],
  ])('%s: %i with only words', async (_what, backing, status, body) => {
    const logged: Array<[string, string, unknown]> = [];
    const logger = {
      ...silentLogger,
      child: () => logger,
      info: (msg: string, fields?: unknown) => logged.push(['info', msg, fields]),
      warn: (msg: string, fields?: unknown) => logged.push(['warn', msg, fields]),
    };
    const show = publicHealth(logger);
    const server = createBotHttpServer({
      handleWebhook: async () => ({ status: 202, body: { status: 'queued' } }),
      allowCertificate: async () => false,
      health: async () =>
        show(
          await checkHealth({
            store: backing,
            lastProgressAt: () => NOW - 6 * MINUTE,
            stallMs: 5 * MINUTE,
            clock: () => NOW,
          }),
        ),
      logger: silentLogger,
    });
    const port = await listen(server, 0);
    try {
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        expect(res.status).toBe(status);
        const text = await res.text();
        expect(JSON.parse(text)).toEqual(body);
        for (const leak of ['aipacto', 'consul', '41', 'feature', '/var/lib', 'deliveries', '3'])
          expect(text).not.toContain(leak);
      }
    } finally {
      await close(server);
    }
    // The details go to the log, once per change.
    if (status === 200) expect(logged).toEqual([]);
    else {
      expect(logged).toHaveLength(1);
      expect(logged[0]![0]).toBe('warn');
      expect(JSON.stringify(logged[0]![2])).toMatch(
        backing === failing ? /not writable: Consul KV at http:\/\/consul/ : /stalled: 3 due/,
      );
    }
  });

  it('logs the recovery once', () => {
    const logged: string[] = [];
    const logger = {
      ...silentLogger,
      info: (msg: string) => logged.push(msg),
      warn: (msg: string) => logged.push(msg),
    };
    const show = publicHealth(logger);
    const bad = {
      ok: false,
      detail: { store: 'ok', worker: 'stalled: x', waiting: 1, deadLetters: 0 },
    };
    const good = { ok: true, detail: { store: 'ok', worker: 'ok', waiting: 0, deadLetters: 0 } };
    for (const h of [good, bad, bad, good, good]) show(h);
    expect(logged).toEqual(['unhealthy: /healthz answers 503', 'healthy again']);
  });
});

describe('state store errors name the file and what to do', () => {
  it.each([
    ['SQLITE_READONLY', /read-only: give the bot write access/],
    ['SQLITE_READONLY_DBMOVED', /read-only/],
    ['SQLITE_FULL', /the disk is full/],
    ['SQLITE_CORRUPT', /move it aside and restart/],
    ['SQLITE_NOTADB', /not a readable prenv state/],
    ['SQLITE_CANTOPEN', /cannot be opened: check that its folder exists/],
    ['SQLITE_BUSY', /another process holds the file locked/],
    ['SQLITE_IOERR_WRITE', /I\/O error/],
  ])('%s', (code, hint) => {
    const err = toStateStoreError(
      Object.assign(new Error('sqlite says no'), { code }),
      '/var/lib/prenv/state.db',
      'saving the world',
    );
    expect(err).toBeInstanceOf(StateStoreError);
    expect((err as Error).message).toMatch(
      /^state file \/var\/lib\/prenv\/state\.db: saving the world failed \(SQLITE_\w+: sqlite says no\); /,
    );
    expect((err as Error).message).toMatch(hint);
  });

  it('leaves other errors alone', () => {
    const err = new TypeError('a bug');
    expect(toStateStoreError(err, '/f', 'x')).toBe(err);
  });

  it('refuses a corrupt file and a folder at open, and a write to a read-only connection', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prenv-state-errors-'));
    const garbage = path.join(dir, 'garbage.db');
    writeFileSync(garbage, 'this is not a database, just text that is long enough '.repeat(100));
    expect(() => openSqliteStore(garbage)).toThrow(
      /garbage\.db: opening the state failed \(SQLITE_NOTADB/,
    );
    expect(() => openSqliteStore(dir)).toThrow(/opening the state failed \(SQLITE_CANTOPEN/);
    const good = path.join(dir, 'good.db');
    await openSqliteStore(good).close();
    const ro = new Database(good, { readonly: true });
    let caught: unknown;
    try {
      ro.prepare('INSERT INTO health (id, checked_at) VALUES (1, 1)').run();
    } catch (err) {
      caught = toStateStoreError(err, good, 'writing');
    }
    ro.close();
    expect((caught as Error).message).toMatch(/SQLITE_READONLY.*give the bot write access/);
  });
});

describe('prenv serve with a state it cannot open', () => {
  it('exits non-zero before listening, naming the file and what to do', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prenv-serve-state-'));
    writeFileSync(path.join(dir, 'prenv.yml'), AIPACTO_YML);
    writeFileSync(path.join(dir, 'broken.db'), 'not sqlite at all '.repeat(200));
    const run = await runCli(['serve', '--port', '0'], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        PRENV_WEBHOOK_SECRET: 'a-long-enough-secret',
        PRENV_GITHUB_TOKEN: 'ghp_x',
        PRENV_STATE: 'broken.db',
        PRENV_RECONCILE: 'off',
      },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `prenv: cannot start the bot: state file ${path.join(dir, 'broken.db')}`,
    );
    expect(run.stderr).toMatch(/SQLITE_NOTADB.*move it aside and restart/);
    expect(run.stderr).not.toMatch(/unexpected error/);
  });
});

describe('/healthz with the real SQLite store: the state file changed under a running bot', () => {
  const event = { kind: 'ignored', reason: 'test' };
  it.each<[string, (file: string, dir: string) => Promise<void> | void, RegExp, boolean]>([
    [
      'deleted (with its -wal and -shm)',
      (file) => {
        for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
      },
      /it was deleted while the bot ran.*restore it or restart the bot/,
      true,
    ],
    [
      'replaced by another state file',
      async (file, dir) => {
        const other = path.join(dir, 'other.db');
        await openSqliteStore(other).close();
        renameSync(other, file);
      },
      /another file took its place while the bot ran; restart the bot/,
      true,
    ],
    [
      'overwritten in place',
      (file) => writeFileSync(file, Buffer.alloc(8192, 7)),
      /overwritten while the bot ran \(no SQLite header\); .*move it aside/,
      false,
    ],
  ])('%s: 503 naming the file', async (_what, change, message, enqueueRefused) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prenv-state-gone-'));
    const file = path.join(dir, 'state.db');
    const live = openSqliteStore(file);
    await live.enqueue({ id: 'a', name: 'x', payload: event, receivedAt: NOW });
    const health = () =>
      checkHealth({ store: live, lastProgressAt: () => Date.now(), stallMs: MINUTE });
    expect((await health()).ok).toBe(true);
    await change(file, dir);
    const after = await health();
    expect(after.ok).toBe(false);
    expect(after.detail.store).toContain(file);
    expect(after.detail.store).toMatch(message);
    // A delivery answered "queued" into a file no restart will read would be lost.
    const queued = live.enqueue({ id: 'b', name: 'x', payload: event, receivedAt: NOW });
    if (enqueueRefused) await expect(queued).rejects.toThrow(StateStoreError);
    else await queued;
    await live.close();
  });
});
