/**
 * The compiled CLI loads a command's modules only when that command runs: `--help` reads the
 * commands' plain descriptions, and read commands load neither Octokit nor the deploy pipeline;
 * with prenv.yml unchanged since the last run (the config cache), not even the YAML parser and
 * zod. What a process loads is recorded by Node's module resolve hook
 * (test/support/module-trace.mjs); a thread it starts, by Node's `worker` event.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import { repoRoot } from '../support/tools.js';

const WORKER_TRACE = `process.on('worker', () => process.stderr.write('[thread started]\\n'));`;

async function loaded(args: string[], cwd = repoRoot, env: Record<string, string> = {}) {
  const trace = path.join(mkdtempSync(path.join(tmpdir(), 'prenv-trace-')), 'modules.txt');
  const result = await execa(
    'node',
    [
      '--import',
      path.join(repoRoot, 'test/support/module-trace.mjs'),
      '--import',
      `data:text/javascript,${encodeURIComponent(WORKER_TRACE)}`,
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
  return { result, packages, own, threads: result.stderr.split('[thread started]').length - 1 };
}

/** A project folder with the aipacto prenv.yml and an empty SQLite state. */
async function listProject() {
  const dir = mkdtempSync(path.join(tmpdir(), 'prenv-lazy-'));
  copyFileSync(path.join(repoRoot, 'examples/aipacto/prenv.yml'), path.join(dir, 'prenv.yml'));
  await openSqliteStore(path.join(dir, 'state.db')).close();
  return dir;
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
    const dir = await listProject();
    const { result, packages, own, threads } = await loaded(['list', '--json'], dir, {
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
    // A SQLite state: no Consul client; only reads: no writer thread.
    expect(own.filter((f) => f.startsWith('bot/adapters/consul/'))).toEqual([]);
    expect(threads).toBe(0);
  });

  it('list --json loads neither the YAML parser nor zod when prenv.yml is unchanged since the last run', async () => {
    const dir = await listProject();
    const env = {
      PRENV_STATE: 'state.db',
      PRENV_NOMAD_ADDR: 'http://127.0.0.1:1',
      PRENV_CACHE_DIR: path.join(dir, 'cache'),
    };
    const first = await loaded(['list', '--json'], dir, env);
    const second = await loaded(['list', '--json'], dir, env);
    expect([first.result.exitCode, second.result.exitCode]).toEqual([0, 0]);
    const view = (stdout: string) => ({
      ...(JSON.parse(stdout) as Record<string, unknown>),
      at: 'now',
    });
    expect(view(second.result.stdout)).toEqual(view(first.result.stdout));
    expect(first.packages).toEqual(expect.arrayContaining(['yaml', 'zod']));
    expect(second.packages).toEqual(['better-sqlite3', 'commander']);
    expect(second.own).not.toContain('bot/config/load.js');
    expect(second.own).not.toContain('bot/config/schema.js');
    expect(second.threads).toBe(0);
    // Edited: validated again, and a problem is reported with its line.
    writeFileSync(
      path.join(dir, 'prenv.yml'),
      readFileSync(path.join(dir, 'prenv.yml'), 'utf8').replace('max: 15', 'max: many'),
    );
    const edited = await loaded(['list', '--json'], dir, env);
    expect(edited.result.exitCode).toBe(3);
    expect(edited.result.stderr).toContain(
      'prenv.yml:13:8: previews.max: expected number, got string "many"',
    );
  });
});
