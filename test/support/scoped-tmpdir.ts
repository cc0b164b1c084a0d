import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/**
 * Setup file of every test file: its temporary folders live in one folder of its own, removed
 * with all they hold once the file's tests and hooks are done (a setup file's `afterAll` runs
 * after the file's own). `os.tmpdir()` reads TMPDIR at each call, so every `mkdtemp` under
 * `tmpdir()` in the file, and every process it starts with the environment extended, writes
 * there; nothing a test run makes stays in the machine's temporary folder.
 */
const outer = tmpdir();
const scoped = mkdtempSync(path.join(outer, 'prenv-vitest-'));
// Searchable by other users, as the machine's temporary folder is: a test that runs a program
// as another user (PostgreSQL's initdb as `postgres`) gives it a folder of its own in here.
chmodSync(scoped, 0o711);
process.env.TMPDIR = scoped;

afterAll(() => {
  process.env.TMPDIR = outer;
  rmSync(scoped, { recursive: true, force: true, maxRetries: 3 });
});
