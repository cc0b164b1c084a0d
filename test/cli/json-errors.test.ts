import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/tools.js';
import { runCli } from './run-cli.js';

// A script that passes --json reads stdout as JSON whatever happens: a command that fails
// before printing its result prints one object saying so, with the exit code it returns.

const example = readFileSync(path.join(repoRoot, 'examples/aipacto/prenv.yml'), 'utf8');
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'prenv-json-errors-'));
  writeFileSync(path.join(dir, 'prenv.yml'), example);
  writeFileSync(path.join(dir, 'bad.yml'), 'project: x\nfoo: 1\n');
});

describe('--json when the command fails', () => {
  it.each([
    ['an invalid prenv.yml', ['-c', 'bad.yml', 'render', 'pr', '3', '--json'], 3],
    ['an invalid prenv.yml, list', ['-c', 'bad.yml', 'list', '--json'], 3],
    ['an unknown environment', ['plan', 'bogus', '--steps', '--json'], 2],
    ['a PR without a commit', ['plan', 'pr', '7', '--steps', '--json'], 2],
    ['a malformed PR number', ['render', 'pr', 'seven', '--json'], 2],
    ['no state to read', ['list', '--json'], 3],
    ['no state to read, status', ['status', 'pr-7', '--json'], 3],
    ['a bad PRENV_STATE', ['cost', '--json'], 3, { PRENV_STATE: 'consul://h:1/a/../b' }],
  ])(
    '%s: one JSON object with ok false and the exit code',
    async (_what, args, code, env: Record<string, string> = {}) => {
      const run = await runCli(args, { cwd: dir, env: { PATH: process.env.PATH, ...env } });
      expect(run.code).toBe(code);
      const printed = JSON.parse(run.stdout) as { ok: boolean; exitCode: number; error: string };
      expect(printed).toEqual({ ok: false, exitCode: code, error: expect.any(String) });
      expect(run.stderr).toContain(`prenv: ${printed.error}`);
    },
  );

  it.each([
    [['list', '--json', '--bogus'], "unknown option '--bogus'"],
    [['status', '--json'], "missing required argument 'env'"],
    [['deploy', 'production', '--json', '--sha'], "option '--sha <sha>' argument missing"],
  ])('a wrong flag or argument with --json (%j) is a JSON usage error too', async (args, error) => {
    const run = await runCli(args, { cwd: dir });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({ ok: false, exitCode: 2, error });
  });

  it('a command that printed its JSON result before failing prints nothing more', async () => {
    const run = await runCli(['-c', 'bad.yml', 'doctor', '--offline', '--json'], { cwd: dir });
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false });
  });

  it('without --json, stdout stays empty on failure', async () => {
    const run = await runCli(['plan', 'bogus', '--steps'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
  });
});
