import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import { emptyWorld } from '../../bot/core/model.js';
import { repoRoot } from '../support/tools.js';
import { AIPACTO_YML } from './views/view-fixtures.js';

// The README's exit-code table, run as real `prenv` processes (the compiled CLI users run):
// 1 the command ran and failed · 2 wrong arguments · 3 prenv.yml or a PRENV_ setting ·
// 4 refused. Each case must end by itself within `EXIT_WITHIN_MS` and name what to change.

const EXIT_WITHIN_MS = 15_000;

interface Case {
  what: string;
  args: string[];
  env?: Record<string, string>;
  /** Run in a folder with no prenv.yml. */
  bare?: boolean;
  code: number;
  names: RegExp;
}

let dir: string;
let bare: string;
let busy: Server;
let busyPort: number;

/** Stands for the port a test server holds, in a case's arguments. */
const BUSY_PORT = '{busy-port}';

const serveEnv = () => ({
  PRENV_WEBHOOK_SECRET: 'a-webhook-secret',
  PRENV_GITHUB_TOKEN: 'token-for-tests',
  PRENV_STATE: 'serve.db',
  PRENV_RECONCILE: 'off',
});

const cases: Case[] = [
  {
    what: 'serve on a port in use',
    args: ['serve', '--port', BUSY_PORT],
    env: serveEnv(),
    code: 1,
    names: /cannot listen on 127\.0\.0\.1:\d+: the port is in use; pass another --port/,
  },
  ...['10.99.99.99', '203.0.113.7'].map((host) => ({
    what: `serve on --host ${host}, not an address of this machine`,
    args: ['serve', '--host', host, '--port', '0'],
    env: serveEnv(),
    code: 2,
    names: /\(EADDRNOTAVAIL\): pass an address of this machine as --host/,
  })),
  {
    what: 'render --check without the --sha the images need',
    args: ['render', 'pr', '7', '--check'],
    code: 2,
    names: /services\.\w+\.image: uses \{\{sha\}\}, so a commit SHA is needed \(pass --sha\)/,
  },
  ...['/proc/x', '/proc/self/x', '/sys/x', '/dev/null/x', 'dangling', 'a-file/x'].map((out) => ({
    what: `render --out ${out}, a folder that cannot be made`,
    args: ['render', 'staging', '--sha', 'abc1234', '--out', out],
    code: 2,
    names: /cannot write the rendered files into .*\([A-Z]+\): check --out/,
  })),
  {
    what: 'render bot --out /proc/x',
    args: ['render', 'bot', '--image', 'ghcr.io/acme/prenv:1', '--out', '/proc/x'],
    code: 2,
    names: /cannot write the rendered files into \/proc\/x \(ENOENT\): check --out/,
  },
  ...['list', 'status pr-7', 'cost', 'retry d-1', 'reconcile', 'state export'].map((cmd) => ({
    what: `${cmd} with a PRENV_STATE file that does not exist`,
    args: cmd.split(' '),
    env: { PRENV_STATE: 'nowhere.db', PRENV_GITHUB_TOKEN: 'token-for-tests' },
    code: 3,
    names: /no prenv state at .*nowhere\.db: set PRENV_STATE/,
  })),
  {
    what: 'state export --state naming a file that does not exist',
    args: ['state', 'export', '--state', 'nowhere.db'],
    code: 2,
    names: /no prenv state at .*nowhere\.db: pass as --state/,
  },
  {
    what: 'reconcile without GitHub credentials',
    args: ['reconcile'],
    env: { PRENV_STATE: 'full.db' },
    code: 3,
    names: /reconcile needs GitHub: set PRENV_GITHUB_TOKEN, or PRENV_APP_ID and PRENV_PRIVATE_KEY/,
  },
  {
    what: 'state import into a store that holds a state',
    args: ['state', 'import', 'export.json', '--state', 'full.db'],
    code: 4,
    names: /the target state is not empty/,
  },
  {
    what: 'state export on a node without prenv.yml',
    args: ['state', 'export'],
    env: { PRENV_STATE: '../full.db' },
    bare: true,
    code: 0,
    names: /^$/,
  },
  {
    what: 'tunnel without ssh',
    args: ['tunnel', 'production', '--ssh', '203.0.113.10'],
    env: { PATH: '/nonexistent' },
    code: 1,
    names: /cannot run ssh: it is not on PATH/,
  },
];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'prenv-exit-codes-'));
  bare = path.join(dir, 'bare');
  mkdirSync(bare);
  writeFileSync(path.join(dir, 'prenv.yml'), AIPACTO_YML);
  writeFileSync(path.join(dir, 'a-file'), '');
  symlinkSync(path.join(dir, 'no-such-target'), path.join(dir, 'dangling'));
  const full = openSqliteStore(path.join(dir, 'full.db'));
  await full.saveWorld(emptyWorld(), 0);
  await full.close();
  writeFileSync(
    path.join(dir, 'export.json'),
    JSON.stringify({
      format: 'prenv-state',
      version: 1,
      schemaVersion: 1,
      exportedAt: '2026-12-01T00:00:00Z',
      world: emptyWorld(),
      deliveries: [],
      deadLetters: [],
    }),
  );
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as { port: number }).port;
});

afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

describe('each error case exits by itself with the README’s code and names what to change', () => {
  it.each(cases.map((c) => [`${c.what} → exit ${c.code}`, c] as const))('%s', async (_, c) => {
    const args = c.args.map((a) => (a === BUSY_PORT ? String(busyPort) : a));
    const run = await execa(process.execPath, [path.join(repoRoot, 'bin/prenv.js'), ...args], {
      cwd: c.bare ? bare : dir,
      env: { PATH: process.env.PATH ?? '', ...c.env },
      extendEnv: false,
      reject: false,
      timeout: EXIT_WITHIN_MS,
    });
    expect({ what: c.what, timedOut: run.timedOut }).toEqual({ what: c.what, timedOut: false });
    expect(run.stderr).not.toMatch(/unexpected error/);
    expect(run.stderr).toMatch(c.names);
    expect({ what: c.what, code: run.exitCode }).toEqual({ what: c.what, code: c.code });
  });

  it('a serve that could not listen closed its state cleanly (no -wal left)', () => {
    expect(readdirSync(dir).filter((f) => f.startsWith('serve.db-'))).toEqual([]);
  });
});
