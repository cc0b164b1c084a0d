import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createConsulClient } from '../../bot/adapters/consul/client.js';
import { openConsulStore } from '../../bot/adapters/store/consul-store.js';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import type { StateStore } from '../../bot/adapters/store/state-store.js';
import { useConsul } from '../support/consul-process.js';
import { runCli } from './run-cli.js';
import { AIPACTO_YML, busyWorld } from './views/view-fixtures.js';

const consul = useConsul();
const sim = busyWorld();
let dir: string;

/** A store holding a world, two queued deliveries (one failed once) and a dead letter. */
async function fill(store: StateStore): Promise<void> {
  await store.saveWorld(sim.world, 0);
  await store.enqueue({ id: 'q-1', name: 'pull_request', payload: { n: 1 }, receivedAt: 10 });
  await store.enqueue({ id: 'q-2', name: 'pull_request', payload: { n: 2 }, receivedAt: 20 });
  await store.enqueue({ id: 'dead', name: 'comment_command', payload: { n: 3 }, receivedAt: 30 });
  await store.fail('q-2', 'GitHub 502', 5_000, 40);
  await store.fail('dead', 'boom', 0, 50);
  await store.fail('dead', 'boom again', null, 60);
  await store.enqueue({ id: 'done', name: 'pull_request', payload: {}, receivedAt: 5 });
  await store.complete('done');
}

async function contents(store: StateStore) {
  return {
    world: (await store.loadWorld()).world,
    pending: await store.pending(),
    dead: await store.deadLetters(),
    completed: await store.completed(),
  };
}

/** What the webhook intake does with GitHub's redelivery of each id. */
async function redeliver(store: StateStore, ids: string[]) {
  const answers: Record<string, string> = {};
  for (const id of ids)
    answers[id] = await store.enqueue({ id, name: 'pull_request', payload: {}, receivedAt: 99 });
  return answers;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'prenv-cli-state-'));
  writeFileSync(path.join(dir, 'prenv.yml'), AIPACTO_YML);
});

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { cwd: dir, env: { PATH: process.env.PATH, ...env } });

describe('prenv state export | import', () => {
  it('moves a SQLite state into Consul KV and back without losing anything', async () => {
    const sqlite = openSqliteStore(path.join(dir, 'from.db'));
    await fill(sqlite);
    const before = await contents(sqlite);
    await sqlite.close();

    const exported = await cli(['state', 'export', '--out', 'state.json'], {
      PRENV_STATE: 'from.db',
    });
    expect(exported).toMatchObject({ code: 0, stderr: '' });
    const doc = JSON.parse(readFileSync(path.join(dir, 'state.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(doc).toMatchObject({ format: 'prenv-state', version: 1, schemaVersion: 1 });

    const url = `consul://${new URL(consul().httpUrl).host}/moved/state`;
    const imported = await cli(['state', 'import', 'state.json', '--state', url, '--json']);
    expect(imported.stderr).toBe('');
    expect(JSON.parse(imported.stdout)).toEqual({
      imported: {
        environments: Object.keys(sim.world.envs).length,
        deliveries: 2,
        deadLetters: 1,
        completed: 1,
      },
    });
    expect(before.completed).toEqual([{ id: 'done', name: 'pull_request', receivedAt: 5 }]);
    const kv = createConsulClient({ baseUrl: consul().httpUrl, fetch }).kv;
    const moved = await openConsulStore(kv, 'moved/state');
    expect(await contents(moved)).toEqual(before);

    // And back, into a new SQLite file, through the other direction.
    const back = await cli(['state', 'export', '--state', url]);
    writeFileSync(path.join(dir, 'back.json'), back.stdout);
    expect((await cli(['state', 'import', 'back.json', '--state', 'back.db'])).code).toBe(0);
    const reopened = openSqliteStore(path.join(dir, 'back.db'));
    expect(await contents(reopened)).toEqual(before);

    // GitHub redelivers what was handled before either move: still a duplicate, not run again;
    // a delivery never seen is queued.
    const expected = { done: 'duplicate', 'q-1': 'duplicate', dead: 'duplicate', new: 'queued' };
    expect(await redeliver(moved, Object.keys(expected))).toEqual(expected);
    expect(await redeliver(reopened, Object.keys(expected))).toEqual(expected);
    await reopened.close();

    // A store that is not empty is refused, and keeps what it has.
    const again = await cli(['state', 'import', 'state.json', '--state', url]);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/the target state is not empty/);
  });

  it.each([
    ['not JSON', '{', /state\.bad\.json is not JSON/],
    [
      'a newer export',
      JSON.stringify({ format: 'prenv-state', version: 2 }),
      /exported by a newer prenv \(document version 2, this prenv reads up to 1\)/,
    ],
    [
      'a state of a newer schema',
      JSON.stringify({
        format: 'prenv-state',
        version: 1,
        schemaVersion: 9,
        exportedAt: 'x',
        world: { envs: {}, seq: 0, capacityBlockedUntil: null },
        deliveries: [],
        deadLetters: [],
      }),
      /comes from a state of schema 9; this prenv reads up to 1/,
    ],
    [
      'another kind of JSON',
      JSON.stringify({ format: 'prenv-state', version: 1, world: {} }),
      /is not a prenv state export: schemaVersion/,
    ],
  ])('refuses %s with what is wrong, and writes nothing', async (_what, text, message) => {
    writeFileSync(path.join(dir, 'state.bad.json'), text);
    const run = await cli(['state', 'import', 'state.bad.json', '--state', 'untouched.db']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('keeps an existing --out file unless --force, and names an --out it cannot write', async () => {
    const sqlite = openSqliteStore(path.join(dir, 'out-from.db'));
    await fill(sqlite);
    await sqlite.close();
    const env = { PRENV_STATE: 'out-from.db' };
    writeFileSync(path.join(dir, 'earlier.json'), 'the only copy\n');

    const refused = await cli(['state', 'export', '--out', 'earlier.json'], env);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('earlier.json exists; pass --force to overwrite it');
    expect(readFileSync(path.join(dir, 'earlier.json'), 'utf8')).toBe('the only copy\n');

    const forced = await cli(['state', 'export', '--out', 'earlier.json', '--force'], env);
    expect(forced).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(readFileSync(path.join(dir, 'earlier.json'), 'utf8'))).toMatchObject({
      format: 'prenv-state',
    });

    for (const out of ['no-such-folder/x.json', '.', ' ']) {
      const run = await cli(['state', 'export', '--out', out, '--force'], env);
      expect([run.code, run.stderr]).toEqual([2, expect.stringMatching(/--out/)]);
      expect(run.stderr).not.toContain('unexpected error');
    }
  });

  it.each([
    ['list', 'PRENV_STATE', 3],
    ['status pr-7', 'PRENV_STATE', 3],
    ['cost', 'PRENV_STATE', 3],
    ['retry d-1', 'PRENV_STATE', 3],
    ['state export', 'PRENV_STATE', 3],
    ['state export', '--state', 2],
  ] as const)(
    '%s refuses a Consul prefix with no prenv state (named by %s), and writes nothing there',
    async (command, by, code) => {
      const url = `consul://${new URL(consul().httpUrl).host}/tryit/empty`;
      const args = command.split(' ');
      const run =
        by === '--state'
          ? await cli([...args, '--state', url])
          : await cli(args, { PRENV_STATE: url });
      expect(run.stderr).toMatch(
        new RegExp(
          `no prenv state at Consul KV tryit/empty at .*: ${by === '--state' ? 'pass as --state' : 'set PRENV_STATE to'}`,
        ),
      );
      expect(run.code).toBe(code);
      const kv = createConsulClient({ baseUrl: consul().httpUrl, fetch }).kv;
      expect(await kv.keys('tryit/')).toEqual([]);
    },
  );

  it.each([
    ['list', 'PRENV_STATE', 3],
    ['status pr-7', 'PRENV_STATE', 3],
    ['state export', 'PRENV_STATE', 3],
    ['state export', '--state', 2],
  ] as const)(
    '%s names a file that is not a SQLite database (named by %s) as the setting to change, and leaves it alone',
    async (command, by, code) => {
      writeFileSync(path.join(dir, 'notes.txt'), 'not a database\n');
      const args = command.split(' ');
      const run =
        by === '--state'
          ? await cli([...args, '--state', 'notes.txt'])
          : await cli(args, { PRENV_STATE: 'notes.txt' });
      expect(run.stderr).toMatch(
        new RegExp(
          `no prenv state at .*notes\\.txt: it is not a SQLite database; ${by === '--state' ? 'pass as --state' : 'set PRENV_STATE to'} the bot's state file`,
        ),
      );
      expect(run.code).toBe(code);
      expect(readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('not a database\n');
    },
  );

  it('names --state, not PRENV_STATE, when the folder of --state cannot be made', async () => {
    writeFileSync(path.join(dir, 'a-file'), '');
    writeFileSync(
      path.join(dir, 'empty.json'),
      JSON.stringify({
        format: 'prenv-state',
        version: 1,
        schemaVersion: 1,
        exportedAt: '2026-01-01T00:00:00.000Z',
        world: { envs: {}, seq: 0, capacityBlockedUntil: null },
        deliveries: [],
        deadLetters: [],
      }),
    );
    const run = await cli(['state', 'import', 'empty.json', '--state', 'a-file/sub/state.db']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(
      /cannot create its folder .*; create it or pass as --state a writable/,
    );
    expect(run.stderr).not.toContain('PRENV_STATE');
  });

  it('state import and a store opened for writing still create a Consul prefix', async () => {
    writeFileSync(
      path.join(dir, 'new.json'),
      (await cli(['state', 'export'], { PRENV_STATE: 'from.db' })).stdout,
    );
    const url = `consul://${new URL(consul().httpUrl).host}/fresh/state`;
    expect((await cli(['state', 'import', 'new.json', '--state', url])).code).toBe(0);
    expect((await cli(['list'], { PRENV_STATE: url })).code).toBe(0);
  });

  it('names a malformed consul:// target', async () => {
    const run = await cli(['state', 'export', '--state', 'consul://127.0.0.1:8500/bad prefix']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--state must be a file or consul:\/\/host:port\/kv-folder/);
  });
});
