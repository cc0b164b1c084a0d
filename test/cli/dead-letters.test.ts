import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import { T0 } from '../core/fixtures.js';
import { runCli } from './run-cli.js';
import { AIPACTO_YML, busyWorld } from './views/view-fixtures.js';

const sim = busyWorld();
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'prenv-cli-dead-'));
  writeFileSync(path.join(dir, 'prenv.yml'), AIPACTO_YML);
  const store = openSqliteStore(path.join(dir, 'state.db'));
  await store.saveWorld(sim.world, 0);
  const command = {
    kind: 'comment_command',
    pr: 12,
    commentId: 5,
    writtenAt: '2026-01-01T00:00:00Z',
    actor: 'someone',
    command: { kind: 'command', name: 'deploy', line: 1 },
  };
  await store.enqueue({
    id: 'delivery-abc',
    name: 'comment_command',
    payload: command,
    receivedAt: T0,
  });
  await store.fail(
    'delivery-abc',
    'permission lookup: 403 Resource not accessible',
    null,
    T0 + 60_000,
  );
  await store.enqueue({
    id: 'delivery-99',
    name: 'comment_command',
    payload: { ...command, pr: 99 },
    receivedAt: T0,
  });
  await store.fail('delivery-99', 'pull request lookup: 502', null, T0 + 1);
  await store.enqueue({ id: 'delivery-ok', name: 'pr_opened', payload: {}, receivedAt: T0 });
  await store.close();
});

const cli = (args: string[]) =>
  runCli(args, {
    cwd: dir,
    env: { PRENV_STATE: 'state.db', PRENV_NOMAD_ADDR: 'http://127.0.0.1:1' },
    now: () => new Date(sim.now),
  });

describe('dead letters: shown by list and status, replayed by prenv retry', () => {
  it('lists them with what failed and how to replay', async () => {
    const text = await cli(['list']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      'Dead letters: 2 deliveries were set aside after failing every attempt:',
    );
    expect(text.stdout).toContain(
      'delivery-abc  comment_command (PR #12), 1 attempt: permission lookup: 403 Resource not accessible',
    );
    expect(text.stdout).toContain('replay it with: prenv retry delivery-abc');
    const json = JSON.parse((await cli(['list', '--json'])).stdout) as { deadLetters: unknown[] };
    expect(json.deadLetters.slice(0, 1)).toEqual([
      {
        delivery: 'delivery-abc',
        event: 'comment_command',
        pr: 12,
        attempts: 1,
        lastError: 'permission lookup: 403 Resource not accessible',
        receivedAt: new Date(T0).toISOString(),
        deadAt: new Date(T0 + 60_000).toISOString(),
        retry: 'prenv retry delivery-abc',
      },
    ]);
    const status = await cli(['status', 'pr-12', '--json']);
    expect(
      (JSON.parse(status.stdout) as { deadLetters: { delivery: string }[] }).deadLetters,
    ).toEqual([expect.objectContaining({ delivery: 'delivery-abc' })]);
    expect((await cli(['status', 'pr-12'])).stdout).toContain('prenv retry delivery-abc');
    const other = await cli(['status', 'pr-7', '--json']);
    expect((JSON.parse(other.stdout) as { deadLetters: unknown[] }).deadLetters).toEqual([]);
  });

  it('names the dead letters of a PR that has no environment record', async () => {
    const run = await cli(['status', 'pr-99']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /pr-99 has no record: .* 1 delivery about it failed every attempt: `prenv retry delivery-99` replays delivery-99 \(pull request lookup: 502\)\./,
    );
  });

  it.each([
    ['an unknown id', 'nope', /no delivery "nope" in the queue/],
    ['a delivery still queued', 'delivery-ok', /is not a dead letter/],
  ])('refuses %s', async (_what, id, message) => {
    const run = await cli(['retry', id]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
  });

  it('requeues one, which then leaves the list', async () => {
    const run = await cli(['retry', 'delivery-abc', '--json']);
    expect([run.code, run.stdout]).toEqual([
      0,
      '{"delivery":"delivery-abc","outcome":"requeued"}\n',
    ]);
    const json = JSON.parse((await cli(['list', '--json'])).stdout) as {
      deadLetters: { delivery: string }[];
    };
    expect(json.deadLetters.map((d) => d.delivery)).toEqual(['delivery-99']);
    const store = openSqliteStore(path.join(dir, 'state.db'));
    expect((await store.pending()).map((d) => [d.id, d.attempts])).toEqual([
      ['delivery-abc', 0],
      ['delivery-ok', 0],
    ]);
    await store.close();
  });
});
