import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeStaleRunDirs, runDirRoot } from '../../bot/adapters/terraform/index.js';
import { makeRunDir } from '../../bot/adapters/terraform/run-dirs.js';

const DEAD = 2_000_001;
const LIVE = 2_000_002;
const alive = (pid: number) => pid === LIVE;

/** Field 22 of /proc/<pid>/stat: when the process started. */
const startOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
};

function tmp(): string {
  return mkdtempSync(path.join(tmpdir(), 'prenv-rundirs-'));
}

/** A run folder in the private root of `tmpDir`, as makeRunDir leaves it. */
function runFolder(
  tmpDir: string,
  name: string,
  setup: { owner?: object; child?: number; ageH?: number },
): string {
  const root = runDirRoot(tmpDir);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const dir = path.join(root, name);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'stdout.jsonl'), '');
  if (setup.owner) writeFileSync(path.join(dir, 'owner.json'), JSON.stringify(setup.owner));
  if (setup.child !== undefined)
    writeFileSync(
      path.join(dir, 'child.json'),
      JSON.stringify({ pid: setup.child, stateKey: 'prenv/pr/7.tfstate', command: 'apply' }),
    );
  if (setup.ageH !== undefined) {
    const t = (Date.now() - setup.ageH * 3_600_000) / 1000;
    utimesSync(dir, t, t);
  }
  return dir;
}

const here = (pid: number, start: string | null = null) => ({ pid, host: hostname(), start });

describe('removeStaleRunDirs: run folders a dead prenv of this user left', () => {
  it.each<[string, string, { owner?: object; child?: number; ageH?: number }, boolean]>([
    ['a dead owner', `prenv-tf-${DEAD}-aB3xYz`, { owner: here(DEAD) }, true],
    [
      'a dead owner whose Terraform is gone',
      `prenv-tf-${DEAD}-q1`,
      { owner: here(DEAD), child: DEAD },
      true,
    ],
    [
      'a dead owner whose Terraform still runs',
      `prenv-tf-${DEAD}-q2`,
      { owner: here(DEAD), child: LIVE },
      false,
    ],
    ['a live owner (another bot or a CLI)', `prenv-tf-${LIVE}-q3`, { owner: here(LIVE) }, false],
    [
      'an earlier process that had this pid',
      `prenv-tf-${process.pid}-q4`,
      { owner: here(process.pid, 'earlier') },
      true,
    ],
    [
      'this very process',
      `prenv-tf-${process.pid}-q5`,
      { owner: here(process.pid, startOf(process.pid)) },
      false,
    ],
    [
      'a dead pid on another host (a shared temporary folder)',
      `prenv-tf-${DEAD}-q6`,
      { owner: { pid: DEAD, host: `not-${hostname()}`, start: null } },
      false,
    ],
    ['an old folder whose owner file was never written', 'prenv-tf-Ab12Cd', { ageH: 2 }, true],
    ['a fresh folder whose owner file is not written yet', 'prenv-tf-Ef34Gh', {}, false],
    ['a folder of something else', 'other-thing', { owner: here(DEAD), ageH: 48 }, false],
  ])('%s', async (_what, name, setup, removed) => {
    const tmpDir = tmp();
    const dir = runFolder(tmpDir, name, setup);
    const result = await removeStaleRunDirs(tmpDir, alive);
    expect(existsSync(dir)).toBe(!removed);
    expect(result.removed).toEqual(removed ? [dir] : []);
    expect(result.leftRuns).toEqual(
      removed && setup.child !== undefined
        ? [{ stateKey: 'prenv/pr/7.tfstate', command: 'apply', pid: setup.child }]
        : [],
    );
  });

  it('keeps the folder of a live prenv process and removes the one of a dead one', async () => {
    const tmpDir = tmp();
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], {
      stdio: 'ignore',
    });
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    try {
      const livePid = live.pid!;
      const deadPid = Number(dead.stdout);
      const liveDir = runFolder(tmpDir, `prenv-tf-${livePid}-live`, {
        owner: here(livePid, startOf(livePid)),
        ageH: 48,
      });
      const deadDir = runFolder(tmpDir, `prenv-tf-${deadPid}-dead`, {
        owner: here(deadPid, '12345'),
        ageH: 48,
      });
      // The real liveness check: /proc and kill(pid, 0).
      const result = await removeStaleRunDirs(tmpDir);
      expect(result.removed).toEqual([deadDir]);
      expect(existsSync(liveDir)).toBe(true);
      expect(existsSync(deadDir)).toBe(false);
    } finally {
      live.kill('SIGKILL');
    }
  });

  it('takes a live pid now held by another process for a dead owner', async () => {
    const tmpDir = tmp();
    // pid 1 runs, but it is not the process that made this folder: its start differs.
    const dir = runFolder(tmpDir, 'prenv-tf-1-reused', { owner: here(1, 'not-its-start') });
    expect((await removeStaleRunDirs(tmpDir)).removed).toEqual([dir]);
  });

  it("takes a Terraform child's pid now held by another process for a child that is gone", async () => {
    const tmpDir = tmp();
    const dir = runFolder(tmpDir, `prenv-tf-${DEAD}-child-reused`, { owner: here(DEAD) });
    const child = { pid: 1, stateKey: 'prenv/pr/7.tfstate', command: 'apply' };
    // pid 1 runs, but it is not the Terraform this folder recorded: its start differs.
    writeFileSync(
      path.join(dir, 'child.json'),
      JSON.stringify({ ...child, start: 'not-its-start' }),
    );
    expect(await removeStaleRunDirs(tmpDir)).toEqual({ removed: [dir], leftRuns: [child] });
    // The same record with pid 1's own start: that Terraform still runs, the folder stays.
    const kept = runFolder(tmpDir, `prenv-tf-${DEAD}-child-live`, { owner: here(DEAD) });
    writeFileSync(path.join(kept, 'child.json'), JSON.stringify({ ...child, start: startOf(1) }));
    expect(await removeStaleRunDirs(tmpDir)).toEqual({ removed: [], leftRuns: [] });
  });

  it('never touches folders outside its private root, whatever their name', async () => {
    const tmpDir = tmp();
    // What an older prenv, another user or another program may have in the shared folder.
    const loose = path.join(tmpDir, `prenv-tf-${DEAD}-loose`);
    mkdirSync(loose);
    const old = (Date.now() - 48 * 3_600_000) / 1000;
    utimesSync(loose, old, old);
    expect(await removeStaleRunDirs(tmpDir, alive)).toEqual({ removed: [], leftRuns: [] });
    expect(existsSync(loose)).toBe(true);
  });

  it('leaves a root that others can enter, and a symbolic link in it, alone', async () => {
    const tmpDir = tmp();
    const dir = runFolder(tmpDir, `prenv-tf-${DEAD}-open`, { owner: here(DEAD) });
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'prenv-rundirs-target-'));
    symlinkSync(elsewhere, path.join(runDirRoot(tmpDir), `prenv-tf-${DEAD}-link`));
    chmodSync(runDirRoot(tmpDir), 0o755);
    expect((await removeStaleRunDirs(tmpDir, alive)).removed).toEqual([]);
    expect(existsSync(dir)).toBe(true);
    chmodSync(runDirRoot(tmpDir), 0o700);
    expect((await removeStaleRunDirs(tmpDir, alive)).removed).toEqual([dir]);
    expect(existsSync(elsewhere)).toBe(true);
  });
});

describe('makeRunDir', () => {
  it('makes folders in a 0700 root of this user, each naming this process', async () => {
    const tmpDir = tmp();
    const dir = await makeRunDir(tmpDir);
    expect(path.dirname(dir)).toBe(runDirRoot(tmpDir));
    expect(readdirSync(tmpDir)).toEqual([path.basename(runDirRoot(tmpDir))]);
    expect(JSON.parse(readFileSync(path.join(dir, 'owner.json'), 'utf8'))).toEqual(
      here(process.pid, startOf(process.pid)),
    );
    // This process runs: a start now (another prenv) keeps the folder.
    expect((await removeStaleRunDirs(tmpDir)).removed).toEqual([]);
  });

  it('refuses a root another user could have made for it', async () => {
    const tmpDir = tmp();
    mkdirSync(runDirRoot(tmpDir), { mode: 0o777 });
    chmodSync(runDirRoot(tmpDir), 0o777);
    await expect(makeRunDir(tmpDir)).rejects.toThrow(
      /is not a folder only this user can enter \(mode 0700\)/,
    );
  });
});
