import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeStaleRunDirs } from '../../bot/adapters/terraform/index.js';

const DEAD = 2_000_001;
const LIVE = 2_000_002;
const alive = (pid: number) => pid === LIVE;

describe('removeStaleRunDirs: run folders a dead bot left', () => {
  it.each<[string, string, { child?: number; ageH?: number }, boolean]>([
    ['a dead owner', `prenv-tf-${DEAD}-aB3xYz`, {}, true],
    ['a dead owner whose Terraform is gone', `prenv-tf-${DEAD}-q1`, { child: DEAD }, true],
    ['a dead owner whose Terraform still runs', `prenv-tf-${DEAD}-q2`, { child: LIVE }, false],
    ['a live owner (another bot or a CLI)', `prenv-tf-${LIVE}-q3`, {}, false],
    ['this pid (an earlier process with it)', `prenv-tf-${process.pid}-q4`, {}, true],
    ['an old folder naming no owner', 'prenv-tf-Ab12Cd', { ageH: 48 }, true],
    ['a fresh folder naming no owner', 'prenv-tf-Ef34Gh', { ageH: 1 }, false],
    ['someone else’s folder', 'other-thing', { ageH: 48 }, false],
  ])('%s', async (_what, name, setup, removed) => {
    const root = mkdtempSync(path.join(tmpdir(), 'prenv-rundirs-'));
    const dir = path.join(root, name);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'stdout.jsonl'), '');
    if (setup.child !== undefined)
      writeFileSync(
        path.join(dir, 'child.json'),
        JSON.stringify({ pid: setup.child, stateKey: 'prenv/pr/7.tfstate', command: 'apply' }),
      );
    if (setup.ageH !== undefined) {
      const t = (Date.now() - setup.ageH * 3_600_000) / 1000;
      utimesSync(dir, t, t);
    }
    const result = await removeStaleRunDirs(root, alive);
    expect(readdirSync(root).includes(name)).toBe(!removed);
    expect(result.removed).toEqual(removed ? [dir] : []);
    expect(result.leftRuns).toEqual(
      removed && setup.child !== undefined
        ? [{ stateKey: 'prenv/pr/7.tfstate', command: 'apply', pid: setup.child }]
        : [],
    );
  });
});
