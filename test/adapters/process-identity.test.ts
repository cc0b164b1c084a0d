import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bootId,
  isSameProcessAlive,
  parseProcStat,
  processIdentity,
} from '../../bot/adapters/system/process-alive.js';

/** The 52 fields of proc(5) after the command name, field 22 (`starttime`) set to `start`. */
function statLine(pid: number, comm: string, state: string, start: string): string {
  const rest = Array.from({ length: 50 }, (_, i) => String(i + 4));
  rest[22 - 4] = start;
  return `${pid} (${comm}) ${state} ${rest.join(' ')}\n`;
}

describe('parseProcStat', () => {
  it.each([
    ['a plain command', statLine(412, 'node', 'S', '98765'), { state: 'S', startTicks: '98765' }],
    [
      'a space in the command',
      statLine(9, 'tmux: server', 'R', '17'),
      { state: 'R', startTicks: '17' },
    ],
    [
      'a command holding ") ("',
      statLine(77, 'evil) (Z 1 2 3', 'S', '4242'),
      { state: 'S', startTicks: '4242' },
    ],
    ['a command ending in ")"', statLine(5, 'x)', 'Z', '300'), { state: 'Z', startTicks: '300' }],
    ['an empty command', statLine(6, '', 'D', '0'), { state: 'D', startTicks: '0' }],
    ['no parenthesis', '412 node S 1 2 3', null],
    ['cut short before field 22', '412 (node) S 1 2 3 4 5', null],
    ['a start that is not a number', statLine(412, 'node', 'S', '-5'), null],
    ['not a stat line', '', null],
  ])('%s', (_name, text, expected) => {
    expect(parseProcStat(text)).toEqual(expected);
  });

  it("reads this process's own /proc/self/stat", () => {
    const parsed = parseProcStat(readFileSync('/proc/self/stat', 'utf8'));
    expect(parsed?.state).toMatch(/^[RS]$/);
    expect(parsed?.startTicks).toBe(processIdentity(process.pid).start);
  });
});

describe('isSameProcessAlive', () => {
  it('tells a live process from one that died and one whose pid was reused', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
    });
    await once(child, 'spawn');
    const recorded = processIdentity(child.pid!);
    expect(recorded.start).toMatch(/^\d+$/);
    expect(recorded.boot).toBe(bootId());
    expect(isSameProcessAlive(recorded)).toBe(true);
    // A record an older prenv wrote: the pid alone.
    expect(isSameProcessAlive({ pid: child.pid! })).toBe(true);
    // The pid now held by a process that started at another time (a reuse).
    const later = String(Number(recorded.start) + 1);
    expect(isSameProcessAlive({ ...recorded, start: later })).toBe(false);
    // A record from before a reboot.
    expect(isSameProcessAlive({ ...recorded, boot: '00000000-0000-0000-0000-000000000000' })).toBe(
      false,
    );
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(isSameProcessAlive(recorded)).toBe(false);
  });

  it('a dead pid is gone, with or without start and boot', () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    expect(isSameProcessAlive({ pid: dead })).toBe(false);
    expect(isSameProcessAlive({ ...processIdentity(process.pid), pid: dead })).toBe(false);
  });
});
