import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/tools.js';

/** A prenv.yml with a misspelt key. */
function typo(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'prenv-stack-args-')), 'prenv.yml');
  writeFileSync(file, 'projcet: shop\n');
  return file;
}

const run = (...args: string[]) =>
  spawnSync(path.join(repoRoot, 'node_modules/.bin/tsx'), ['scripts/local-stack.ts', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 30_000,
  });

describe('npm run local-stack: bad arguments stop it before anything starts', () => {
  it.each([
    [['--bogus'], 2, "local-stack: Unknown option '--bogus'"],
    [['--config'], 2, "local-stack: Option '--config <value>' argument missing"],
    [['--config', 'no/such/typo.yml'], 3, 'no/such/typo.yml:1:1: file not found'],
    [
      ['--config', typo()],
      3,
      'prenv.yml:1:1: projcet: unknown key "projcet" (did you mean "project"?)',
    ],
  ])('%j exits %i with one clear line and no stack trace', (args, code, message) => {
    const result = run(...args);
    expect(result.status).toBe(code);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });
});
