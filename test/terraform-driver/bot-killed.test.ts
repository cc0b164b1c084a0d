import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeStaleRunDirs, runDirRoot, stateKey } from '../../bot/adapters/terraform/index.js';
import type { ProgressEvent } from '../../bot/adapters/terraform/index.js';
import { repoRoot } from '../support/tools.js';
import { createHarness, fakeTerraform, lockHolderPid } from './harness.js';
import type { Harness } from './harness.js';

const botScript = fileURLToPath(new URL('./support/apply-then-hang.ts', import.meta.url));

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether a process is alive; an exited one that nobody reaped yet (a zombie) is not. */
function isRunning(pid: number | string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Live processes whose command line mentions `text`. */
function processesMentioning(text: string): string[] {
  return readdirSync('/proc').filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text) && isRunning(pid);
    } catch {
      return false; // exited meanwhile
    }
  });
}

describe('terraform driver: the bot dies hard mid-apply', () => {
  let h: Harness;
  let bot: ResultPromise | undefined;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    // Leave nothing behind when an assertion failed early.
    bot?.kill('SIGKILL');
    bot = undefined;
    await until('no fake terraform runs on this test state', () => {
      return processesMentioning(h.root).length === 0;
    }).catch(() => undefined);
    await h.cleanup();
  });

  /** Starts the stand-in bot's apply and SIGKILLs it once Terraform holds the lock. */
  async function killBotMidApply(pr: number): Promise<{ terraformPid: number }> {
    const target = h.target('pr', pr);
    await h.runner.init(target);
    const child = execa(
      process.execPath,
      ['--import', 'tsx', botScript, fakeTerraform, h.stateDir, target.dir, h.root, String(pr)],
      {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, PRENV_FAKE_TF_DELAY_MS: '1500' },
        extendEnv: false,
        reject: false,
      },
    );
    bot = child;
    await until('Terraform holds the state lock', () => existsSync(h.lockPath(target)));
    const terraformPid = lockHolderPid(h.lockPath(target));
    // Terraform writes to files and reads nothing: no pipe to the bot can break.
    expect(readlinkSync(`/proc/${terraformPid}/fd/0`)).toBe('/dev/null');
    expect(readlinkSync(`/proc/${terraformPid}/fd/1`)).toMatch(/\/prenv-tf-[\w-]+\/stdout\.jsonl$/);
    expect(readlinkSync(`/proc/${terraformPid}/fd/2`)).toMatch(/\/prenv-tf-[\w-]+\/stderr\.log$/);

    child.kill('SIGKILL');
    const died = await child;
    expect(died.signal).toBe('SIGKILL');
    expect(died.stdout).not.toContain('apply finished');
    // The bot died before Terraform saved anything: the apply was still running.
    expect(h.servers(target)).toEqual([]);
    return { terraformPid };
  }

  it('Terraform finishes the apply, saves the state and releases the lock', async () => {
    const pr40 = h.target('pr', 40);
    const { terraformPid } = await killBotMidApply(40);
    // A bot starting now keeps the folder Terraform still writes to.
    const early = await removeStaleRunDirs(h.root);
    expect(early.leftRuns).toEqual([]);
    expect(readdirSync(runDirRoot(h.root)).filter((n) => n.startsWith('prenv-tf-'))).toHaveLength(
      1,
    );

    await until('the orphaned Terraform released the lock', () => !existsSync(h.lockPath(pr40)));
    expect(h.servers(pr40).map((s) => s.name)).toEqual(['pr-40-prenv-client-1']);
    await until('the orphaned Terraform exited', () => !isRunning(terraformPid));
    expect(processesMentioning(h.root)).toEqual([]);
    // Once it is gone, the next start removes its folder and remembers the run.
    const later = await removeStaleRunDirs(h.root);
    expect(later.leftRuns).toEqual([
      { stateKey: stateKey(pr40), command: 'apply', pid: terraformPid },
    ]);
    expect(readdirSync(runDirRoot(h.root)).filter((n) => n.startsWith('prenv-tf-'))).toEqual([]);
    // Nothing to wait for any more: a run that does not wait for locks goes straight through.
    const next = h.runnerWith({}, { lockTimeoutMs: 0 });
    await expect(next.plan(pr40, {})).resolves.toEqual({
      hasChanges: false,
      changes: { add: 0, change: 0, destroy: 0 },
      resourceChanges: [],
    });
  });

  it('the restarted bot resumes: its apply waits for the lock, then finds nothing to do', async () => {
    const pr41 = h.target('pr', 41);
    await killBotMidApply(41);

    const events: ProgressEvent[] = [];
    const resumed = await h.runner.apply(pr41, {}, { onProgress: (e) => events.push(e) });
    expect(events.map((e) => e.message)).toContain(
      'Acquiring state lock. This may take a few moments...',
    );
    expect(resumed.changes).toEqual({ add: 0, change: 0, destroy: 0 });
    expect(resumed.outputs.node_names).toEqual(['pr-41-prenv-client-1']);
    expect(existsSync(h.lockPath(pr41))).toBe(false);
  });
});
