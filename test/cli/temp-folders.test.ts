import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/tools.js';
import { startTryItStack, type TryItStack } from '../../scripts/local-stack-env.js';
import { processStart } from '../../bot/adapters/system/process-alive.js';

const SHA = '3f2c9a1';
/** The run root every prenv process of this user shares (run-dirs.ts), kept on purpose. */
const RUN_ROOT = `prenv-${process.getuid!()}`;

let tryIt: TryItStack;

beforeAll(async () => {
  tryIt = await startTryItStack({
    configFile: path.join(repoRoot, 'examples/aipacto/prenv.yml'),
  });
}, 60_000);
afterAll(async () => {
  await tryIt?.stop();
});

/** Everything under `dir`, as paths relative to it (folders end with `/`). */
function tree(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)) + (e.isDirectory() ? '/' : ''))
    .sort();
}

/** What a command left in its TMPDIR: anything but an empty run root. */
const leftIn = (dir: string) => tree(dir).filter((p) => p !== `${RUN_ROOT}/`);

interface Spawned {
  exit: Promise<number | null>;
  /** The signal that ended it, if one did. */
  signal: Promise<NodeJS.Signals | null>;
  stderr: () => string;
  kill: (signal: NodeJS.Signals) => void;
}

/** The compiled `prenv ARGS` as a user runs it, with its own empty TMPDIR. */
function prenv(tmp: string, args: string[], extra: Record<string, string> = {}): Spawned {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'bin/prenv.js'), '--config', tryIt.configFile, ...args],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, USER: 'alice', ...tryIt.env, TMPDIR: tmp, ...extra },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return {
    exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
    signal: new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal))),
    stderr: () => stderr,
    kill: (signal) => child.kill(signal),
  };
}

async function until(what: string, check: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const named = <T extends { args: string[] }>(c: T) => ({ ...c, line: c.args.join(' ') });
const NO_ENV: Record<string, string> = {};
const freshTmp = () => mkdtempSync(path.join(tmpdir(), 'guard-'));

describe('prenv leaves nothing in its temporary folder', { timeout: 90_000 }, () => {
  // Signals first: staging's apply must still have changes to make.
  it.each(
    [
      { args: ['deploy', 'pr', '8', '--sha', SHA], signal: 'SIGINT' as const, env: NO_ENV },
      { args: ['deploy', 'pr', '9', '--sha', SHA], signal: 'SIGTERM' as const, env: NO_ENV },
      {
        args: ['deploy', 'staging', '--sha', SHA],
        signal: 'SIGINT' as const,
        env: { PRENV_TF_PRODUCTION_OUTPUTS: '' },
      },
    ].map(named),
  )(
    '$signal mid-apply of prenv $line: the folders it made are gone',
    async ({ args, signal, env }) => {
      const tmp = freshTmp();
      const run = prenv(tmp, args, { PRENV_FAKE_TF_DELAY_MS: '3000', ...env });
      await until('the apply to start', () => run.stderr().includes('Plan: 1 to add'));
      // The apply's -var-file is in a run folder now: the check below looks where it was.
      expect(leftIn(tmp).some((p) => p.startsWith(`${RUN_ROOT}/prenv-tf-`))).toBe(true);
      run.kill(signal);
      expect(await run.exit).toBe(130);
      expect(leftIn(tmp)).toEqual([]);
    },
  );

  it('SIGINT while Caddy validates prenv render: its copy for Caddy is gone, the signal still ends it', async () => {
    const tmp = freshTmp();
    const bin = mkdtempSync(path.join(tmpdir(), 'bin-'));
    // A Caddy that takes its time, so the signal lands while its folder exists.
    const caddy = path.join(bin, 'caddy');
    writeFileSync(caddy, '#!/bin/sh\nexec /bin/sleep 20\n', { mode: 0o755 });
    const out = mkdtempSync(path.join(tmpdir(), 'out-'));
    const run = prenv(tmp, ['render', 'pr', '7', '--sha', SHA, '--out', out], {
      PRENV_CADDY_BIN: caddy,
    });
    await until('Caddy to run', () => leftIn(tmp).some((p) => p.startsWith('prenv-caddy-cli-')));
    run.kill('SIGINT');
    expect(await run.signal, run.stderr()).toBe('SIGINT');
    expect(leftIn(tmp)).toEqual([]);
  });

  // Then, in order: a deploy and a destroy of a PR (Terraform run folders), staging's deploy (its
  // saved plan's folder), render (Caddy's validation folder), and the read-only views.
  it.each(
    [
      { args: ['deploy', 'pr', '7', '--sha', SHA], code: 0, env: NO_ENV },
      { args: ['status', 'pr-7', '--json'], code: 0, env: NO_ENV },
      { args: ['list'], code: 0, env: NO_ENV },
      {
        args: ['deploy', 'staging', '--sha', SHA],
        code: 0,
        env: { PRENV_TF_PRODUCTION_OUTPUTS: '' },
      },
      { args: ['render', 'pr', '7', '--sha', SHA, '--out', 'OUT'], code: 0, env: NO_ENV },
      { args: ['destroy', 'pr', '7'], code: 0, env: NO_ENV },
      { args: ['destroy', 'pr', '7'], code: 0, env: NO_ENV },
    ].map(named),
  )('prenv $line exits $code and leaves TMPDIR empty', async ({ args, code, env }) => {
    const tmp = freshTmp();
    const out = mkdtempSync(path.join(tmpdir(), 'out-'));
    const run = prenv(
      tmp,
      args.map((a) => (a === 'OUT' ? out : a)),
      env,
    );
    expect(await run.exit, run.stderr()).toBe(code);
    expect(leftIn(tmp)).toEqual([]);
  });
});

/** A run folder as `makeRunDir` leaves it in `tmp`'s run root, owned by `pid`. */
function runFolder(tmp: string, pid: number): string {
  const root = path.join(tmp, RUN_ROOT);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const dir = mkdtempSync(path.join(root, `prenv-tf-${pid}-`));
  const owner = { pid, host: hostname(), start: processStart(pid) };
  writeFileSync(path.join(dir, 'owner.json'), JSON.stringify(owner), { mode: 0o600 });
  writeFileSync(path.join(dir, 'vars.tfvars.json'), '{"hcloud_token":"left-behind"}');
  return dir;
}

// A prenv killed by SIGKILL (or a lost machine) cannot remove its run folders: the next command
// that runs Terraform does, by the rule `prenv serve` follows at start (run-dirs.ts).
describe('the next Terraform command removes the run folders of a killed prenv', () => {
  const tmp = freshTmp();
  it.each(
    [
      { args: ['deploy', 'pr', '10', '--sha', SHA] },
      { args: ['plan', 'pr', '10', '--sha', SHA] },
      { args: ['destroy', 'pr', '10'] },
    ].map(named),
  )('prenv $line removes a dead owner’s folder and keeps a live one’s', async ({ args }) => {
    const dead = runFolder(tmp, spawnSync('true').pid);
    const live = runFolder(tmp, process.pid);
    const run = prenv(tmp, args);
    expect(await run.exit, run.stderr()).toBe(0);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});
