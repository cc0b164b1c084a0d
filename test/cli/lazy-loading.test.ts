/**
 * The compiled CLI loads a command's modules only when that command runs: `--help` reads the
 * commands' plain descriptions, and read commands load neither Octokit nor the deploy pipeline.
 * What a process loads is recorded by Node's module resolve hook (test/support/module-trace.mjs).
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import { repoRoot } from '../support/tools.js';

async function loaded(args: string[], cwd = repoRoot, env: Record<string, string> = {}) {
  const trace = path.join(mkdtempSync(path.join(tmpdir(), 'prenv-trace-')), 'modules.txt');
  const result = await execa(
    'node',
    [
      '--import',
      path.join(repoRoot, 'test/support/module-trace.mjs'),
      path.join(repoRoot, 'bin/prenv.js'),
      ...args,
    ],
    {
      cwd,
      env: { PATH: process.env.PATH, PRENV_TRACE_FILE: trace, ...env },
      extendEnv: false,
      reject: false,
    },
  );
  const urls = readFileSync(trace, 'utf8').trim().split('\n');
  const packages = [
    ...new Set(urls.flatMap((u) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? [])),
  ].sort();
  const own = urls.flatMap((u) => /\/dist\/(.+)$/.exec(u)?.[1] ?? []);
  return { result, packages, own };
}

describe('the compiled CLI loads modules on demand', () => {
  it('runs from dist/, and --help loads commander and the command descriptions only', async () => {
    const { result, packages, own } = await loaded(['--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('app');
    expect(packages).toEqual(['commander']);
    expect(own).toContain('bot/cli/commands/deploy.js');
    expect(own.filter((f) => f.startsWith('bot/cli/actions/'))).toEqual([]);
    expect(own.filter((f) => f.endsWith('.ts'))).toEqual([]);
  });

  it('list --json loads its own action, the state store and Nomad client, nothing to deploy with', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prenv-lazy-'));
    copyFileSync(path.join(repoRoot, 'examples/aipacto/prenv.yml'), path.join(dir, 'prenv.yml'));
    await openSqliteStore(path.join(dir, 'state.db')).close();
    const { result, packages, own } = await loaded(['list', '--json'], dir, {
      PRENV_STATE: 'state.db',
      PRENV_NOMAD_ADDR: 'http://127.0.0.1:1',
    });
    expect(result.exitCode).toBe(0);
    expect(own).toContain('bot/cli/actions/list.js');
    expect(own.filter((f) => f.startsWith('bot/cli/actions/'))).toEqual([
      'bot/cli/actions/list.js',
    ]);
    expect(own).not.toContain('bot/wiring/ports.js');
    expect(own).not.toContain('bot/runtime/engine.js');
    for (const heavy of [
      '@octokit/rest',
      '@octokit/auth-app',
      '@cdktf/hcl2json',
      'execa',
      'handlebars',
      // Only a config with a schedule needs the cron parser.
      'croner',
    ])
      expect(packages).not.toContain(heavy);
    // The Nomad client alone: no submit, plan or health helpers.
    for (const helper of ['submit', 'plan-summary', 'health', 'nodes'])
      expect(own).not.toContain(`bot/adapters/nomad/${helper}.js`);
    expect(packages).toEqual(expect.arrayContaining(['better-sqlite3', 'yaml', 'zod']));
  });
});
