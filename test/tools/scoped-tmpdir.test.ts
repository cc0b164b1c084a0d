import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// test/support/scoped-tmpdir.ts, the setup file of every test file, removes this folder after
// the file's own hooks; this only checks that it is in place.
describe('the temporary folder of a test file', () => {
  it('is a folder of its own, so what its tests make there is removed with it', () => {
    const own = tmpdir();
    expect(path.basename(own)).toMatch(/^prenv-vitest-/);
    expect(process.env.TMPDIR).toBe(own);
    const made = mkdtempSync(path.join(tmpdir(), 'made-'));
    expect(path.dirname(made)).toBe(own);
    expect(existsSync(made)).toBe(true);
  });
});
