import { existsSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirs } from '../../bot/adapters/system/make-dirs.js';

const dir = mkdtempSync(path.join(tmpdir(), 'prenv-make-dirs-'));
writeFileSync(path.join(dir, 'a-file'), '');
symlinkSync(path.join(dir, 'gone'), path.join(dir, 'dangling'));

describe('makeDirs', () => {
  it('makes a folder and its missing parents, and accepts one that exists', async () => {
    const deep = path.join(dir, 'a/b/c');
    await makeDirs(deep);
    await makeDirs(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
  });

  // /proc/x is where Node 20's recursive mkdir never returns (mkdir answers ENOENT while /proc
  // exists); each of these must fail once, with the code of the call that failed.
  it.each([
    ['/proc/x', 'ENOENT'],
    ['/proc/x/y', 'ENOENT'],
    ['/proc/self/x', 'ENOENT'],
    ['/dev/null/x', 'ENOTDIR'],
    [path.join(dir, 'a-file'), 'ENOTDIR'],
    [path.join(dir, 'a-file/x'), 'ENOTDIR'],
    [path.join(dir, 'dangling'), 'EEXIST'],
  ])('%s fails with %s', async (target, code) => {
    await expect(makeDirs(target)).rejects.toMatchObject({ code });
    expect(existsSync(path.join(dir, 'gone'))).toBe(false);
  });

  it('/sys/x fails with the kernel’s refusal', async () => {
    await expect(makeDirs('/sys/x')).rejects.toHaveProperty('code', expect.stringMatching(/^E/));
  });
});
