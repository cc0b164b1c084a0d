import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  abandonBound,
  FOREIGN_RUN_BOUND_MS,
  runHolder,
  thisOwner,
} from '../../bot/cli/deploy/run-owner.js';
import type { RunOwner, RunRef } from '../../bot/core/model.js';
import { CliError } from '../../bot/cli/exit-codes.js';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const HOUR = 60 * 60_000;
/** The pid of a process that has exited (and was reaped): no process has it now. */
const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
/** This process as an owner, with its start and boot as a prenv command records them. */
const self = thisOwner(NOW - 10 * HOUR);

const run = (owner?: RunOwner): RunRef => ({
  id: 'pr-7/deploy/3',
  kind: 'deploy',
  sha: '3f2c9a1',
  startedAt: NOW - HOUR,
  ...(owner ? { owner } : {}),
});

describe('who holds a run in flight', () => {
  it.each([
    ['no owner: the bot', undefined, FOREIGN_RUN_BOUND_MS, 'bot'],
    [
      'this host, a live pid',
      { host: hostname(), pid: process.pid, startedAt: NOW - 10 * HOUR },
      FOREIGN_RUN_BOUND_MS,
      'live',
    ],
    ['this host, the same process (start and boot match)', self, FOREIGN_RUN_BOUND_MS, 'live'],
    [
      'this host, a pid reused by a later process (another start)',
      { ...self, start: String(Number(self.start) + 1) },
      FOREIGN_RUN_BOUND_MS,
      'gone',
    ],
    [
      'this host, a pid recorded before a reboot (another boot id)',
      { ...self, boot: '00000000-0000-0000-0000-000000000000' },
      FOREIGN_RUN_BOUND_MS,
      'gone',
    ],
    [
      'this host, a dead pid',
      { host: hostname(), pid: deadPid, startedAt: NOW - 1_000 },
      FOREIGN_RUN_BOUND_MS,
      'gone',
    ],
    [
      'another host, within the bound',
      { host: 'ci-runner-1', pid: 42, startedAt: NOW - HOUR },
      FOREIGN_RUN_BOUND_MS,
      'live',
    ],
    [
      'another host, past the bound',
      { host: 'ci-runner-1', pid: 42, startedAt: NOW - 7 * HOUR },
      FOREIGN_RUN_BOUND_MS,
      'gone',
    ],
    [
      'another host, past a shorter bound',
      { host: 'ci-runner-1', pid: 42, startedAt: NOW - HOUR },
      30 * 60_000,
      'gone',
    ],
  ] as const)('%s', (_name, owner, bound, state) => {
    expect(runHolder(run(owner), NOW, bound).state).toBe(state);
  });

  it('records start and boot with the pid (Linux)', () => {
    expect(self).toMatchObject({ host: hostname(), pid: process.pid, startedAt: NOW - 10 * HOUR });
    expect(self.start).toMatch(/^\d+$/);
    expect(self.boot).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('names the holder', () => {
    const holder = runHolder(run({ host: 'ci-runner-1', pid: 42, startedAt: NOW - HOUR }), NOW);
    expect(holder).toEqual({
      state: 'live',
      who: 'prenv (pid 42 on ci-runner-1, since 2026-11-22T11:00:00.000Z)',
    });
  });
});

describe('PRENV_RUN_ABANDON_MS', () => {
  it.each([undefined, ''])('%j: the default bound', (value) => {
    expect(abandonBound(value)).toBe(FOREIGN_RUN_BOUND_MS);
  });
  it('takes a whole number of ms', () => expect(abandonBound('600000')).toBe(600_000));
  it.each(['10m', '-1', '59999', '1.5e6', '604800001'])('%j is refused with exit 3', (value) => {
    expect(() => abandonBound(value)).toThrow(CliError);
    try {
      abandonBound(value);
    } catch (err) {
      expect((err as CliError).exitCode).toBe(3);
      expect((err as CliError).message).toContain('PRENV_RUN_ABANDON_MS');
    }
  });
});
