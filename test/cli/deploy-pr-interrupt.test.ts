import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/tools.js';
import { startTryItStack, type TryItStack } from '../../scripts/local-stack-env.js';
import { runCli } from './run-cli.js';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';

const SHA = '3f2c9a1';
/** Each resource change of the fake terraform takes this long: time to signal mid-apply. */
const TF_DELAY_MS = 3_000;

let tryIt: TryItStack;
const env = () => ({ PATH: process.env.PATH, USER: 'alice', ...tryIt.env });
const cli = (args: string[]) => runCli(['--config', tryIt.configFile, ...args], { env: env() });
const children: ChildProcess[] = [];

interface Spawned {
  child: ChildProcess;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** `prenv ARGS` as a user runs it (the compiled CLI, a process of its own). */
function spawnPrenv(args: string[], extraEnv: Record<string, string> = {}): Spawned {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'bin/prenv.js'), '--config', tryIt.configFile, ...args],
    { cwd: repoRoot, env: { ...env(), ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout!.resume();
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stderr: () => stderr, exit };
}

async function until(what: string, check: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const stateFile = () => path.join(tryIt.env.PRENV_FAKE_TF_STATE_DIR!, 'prenv/pr/7.tfstate');

async function status(): Promise<{
  phase: string;
  run: unknown;
  failure: { lastError: string } | null;
}> {
  const run = await cli(['status', 'pr-7', '--json']);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
}

beforeAll(async () => {
  tryIt = await startTryItStack({
    configFile: path.join(repoRoot, 'examples/aipacto/prenv.yml'),
  });
}, 60_000);
afterEach(async () => {
  for (const c of children.splice(0))
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await cli(['destroy', 'pr', '7']);
}, 60_000);
afterAll(async () => {
  await tryIt?.stop();
});

describe('an interrupted prenv deploy pr never leaves the PR stuck', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s during the apply: exit 130, the run recorded as interrupted, the lock released, a second deploy completes',
    async (signal) => {
      const first = spawnPrenv(['deploy', 'pr', '7', '--sha', SHA], {
        PRENV_FAKE_TF_DELAY_MS: String(TF_DELAY_MS),
      });
      await until('the apply to start', () => first.stderr().includes('Plan: 1 to add'));

      // A second command while the first is alive is refused, naming the holder.
      const second = await cli(['deploy', 'pr', '7', '--sha', SHA]);
      expect(second.code).toBe(4);
      expect(second.stderr).toContain(`held by prenv (pid ${first.child.pid} on `);

      first.child.kill(signal);
      expect(await first.exit).toBe(130);
      expect(first.stderr()).toContain(
        `prenv: ${signal} received: stopping at the next safe point`,
      );
      expect(first.stderr()).toContain(
        `prenv: deploy of pr-7 interrupted by ${signal}: pr-7 is failed (provision run recorded as interrupted); run \`prenv deploy pr 7\` to retry it`,
      );

      const after = await status();
      expect(after.phase).toBe('failed');
      expect(after.run).toBeNull();
      expect(after.failure?.lastError).toBe(
        `interrupted by ${signal}; \`prenv deploy pr 7\` retries it`,
      );
      // Terraform got SIGINT: it wrote its state and released the lock.
      expect(existsSync(`${stateFile()}.tflock`)).toBe(false);
      if (existsSync(stateFile()))
        expect(JSON.parse(readFileSync(stateFile(), 'utf8')).version).toBe(4);

      const again = await cli(['deploy', 'pr', '7', '--sha', SHA]);
      expect(again.stdout).toBe(`pr-7 is live at https://pr-7.pr.aipacto.com (${SHA})\n`);
      expect(again.code).toBe(0);
      expect((await status()).phase).toBe('live');
    },
    90_000,
  );

  it('SIGINT during the destroy: exit 130, recorded as interrupted, a second destroy completes', async () => {
    expect((await cli(['deploy', 'pr', '7', '--sha', SHA])).code).toBe(0);
    const first = spawnPrenv(['destroy', 'pr', '7'], {
      PRENV_FAKE_TF_DELAY_MS: String(TF_DELAY_MS),
    });
    await until('the destroy to start', () => first.stderr().includes('1 to destroy'));
    first.child.kill('SIGINT');
    expect(await first.exit).toBe(130);
    expect(first.stderr()).toContain(
      'prenv: destroy of pr-7 interrupted by SIGINT: pr-7 is failed (destroy run recorded as interrupted); run `prenv destroy pr 7` to retry it',
    );
    expect((await status()).failure?.lastError).toBe(
      'interrupted by SIGINT; `prenv destroy pr 7` retries it',
    );
    expect(existsSync(`${stateFile()}.tflock`)).toBe(false);

    const again = await cli(['destroy', 'pr', '7']);
    expect(again.stdout).toBe('pr-7 is destroyed\n');
    expect(again.code).toBe(0);
    expect(await tryIt.stack.cloud.servers()).toEqual([]);
  }, 90_000);

  it('a second signal exits at once, and the next command takes the run over', async () => {
    const first = spawnPrenv(['deploy', 'pr', '7', '--sha', SHA], {
      PRENV_FAKE_TF_DELAY_MS: String(TF_DELAY_MS),
      // Terraform does not stop on SIGINT: the first signal cannot end the command.
      PRENV_FAKE_TF_IGNORE_SIGINT: '1',
    });
    await until('the apply to start', () => first.stderr().includes('Plan: 1 to add'));
    first.child.kill('SIGINT');
    await until('the first signal', () => first.stderr().includes('SIGINT received'));
    first.child.kill('SIGINT');
    expect(await first.exit).toBe(130);
    expect(first.stderr()).toContain('prenv: second SIGINT: exiting at once');
    expect((await status()).phase).toBe('provisioning');

    const next = await cli(['deploy', 'pr', '7', '--sha', SHA]);
    expect(next.stderr).toMatch(
      new RegExp(
        `taking over pr-7's provision run: prenv \\(pid ${first.child.pid} on .*\\) is no longer running`,
      ),
    );
    expect(next.code).toBe(0);
    expect((await status()).phase).toBe('live');
  }, 90_000);

  it('a SIGKILLed command (no handler ran) is taken over by the next one', async () => {
    const first = spawnPrenv(['deploy', 'pr', '7', '--sha', SHA], {
      PRENV_FAKE_TF_DELAY_MS: String(TF_DELAY_MS),
    });
    await until('the apply to start', () => first.stderr().includes('Plan: 1 to add'));
    first.child.kill('SIGKILL');
    await first.exit;
    const stuck = await status();
    expect(stuck.phase).toBe('provisioning');

    // The detached Terraform of the killed command may still hold the lock: the next apply
    // waits for it (-lock-timeout), then runs.
    const next = await cli(['deploy', 'pr', '7', '--sha', SHA]);
    expect(next.stderr).toContain(
      `taking over pr-7's provision run: prenv (pid ${first.child.pid} on `,
    );
    expect(next.stdout).toBe(`pr-7 is live at https://pr-7.pr.aipacto.com (${SHA})\n`);
    expect(next.code).toBe(0);
    expect(existsSync(`${stateFile()}.tflock`)).toBe(false);
  }, 90_000);
});

describe('a killed prenv command whose pid went to another process', () => {
  it('reads as gone: the next command takes its run over instead of refusing it', async () => {
    const first = spawnPrenv(['deploy', 'pr', '7', '--sha', SHA], {
      PRENV_FAKE_TF_DELAY_MS: String(TF_DELAY_MS),
    });
    await until('the apply to start', () => first.stderr().includes('Plan: 1 to add'));
    first.child.kill('SIGKILL');
    await first.exit;

    // A process now holds the pid the run records: the kernel gave it to a later process. Its
    // start differs from the one recorded, which is all that tells the two apart.
    const later = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
    });
    children.push(later);
    const store = openSqliteStore(tryIt.env.PRENV_STATE!);
    try {
      const { world, version } = await store.loadWorld();
      const owner = world.envs[7]!.run!.owner!;
      expect(owner.pid).toBe(first.child.pid);
      expect(owner.start).toMatch(/^\d+$/);
      expect(owner.boot).toMatch(/^[0-9a-f-]{36}$/);
      world.envs[7]!.run!.owner = { ...owner, pid: later.pid! };
      expect(await store.saveWorld(world, version)).toBe(true);
    } finally {
      await store.close();
    }

    const next = await cli(['deploy', 'pr', '7', '--sha', SHA]);
    expect(next.stderr).toContain(`taking over pr-7's provision run: prenv (pid ${later.pid} on `);
    expect(next.stderr).toContain('is no longer running');
    expect(next.code).toBe(0);
    expect((await status()).phase).toBe('live');
  }, 90_000);
});

describe('an interrupted prenv deploy staging', () => {
  it('stops at a safe point on SIGINT, exits 130 and the same command finishes it', async () => {
    const first = spawnPrenv(['deploy', 'staging', '--sha', SHA], {
      PRENV_FAKE_TF_DELAY_MS: String(TF_DELAY_MS),
      PRENV_TF_PRODUCTION_OUTPUTS: '',
    });
    await until('the apply to start', () => first.stderr().includes('Plan: 1 to add'));
    first.child.kill('SIGINT');
    expect(await first.exit).toBe(130);
    expect(first.stderr()).toContain(
      'prenv: deploy of staging interrupted by SIGINT: deploy stopped at a safe point; the ' +
        'pipeline is idempotent: run `prenv deploy staging` again to finish it',
    );
    const state = path.join(tryIt.env.PRENV_FAKE_TF_STATE_DIR!, 'prenv/staging.tfstate');
    expect(existsSync(`${state}.tflock`)).toBe(false);

    const again = await runCli(['--config', tryIt.configFile, 'deploy', 'staging', '--sha', SHA], {
      env: { ...env(), PRENV_TF_PRODUCTION_OUTPUTS: '' },
    });
    expect(again.code).toBe(0);
    expect((await tryIt.stack.get('staging.aipacto.com')).body).toBe(`aipacto-staging-web ${SHA}`);
  }, 90_000);
});
