import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stateKey, TerraformError } from '../../bot/adapters/terraform/index.js';
import { createHarness, lockHolderPid, waitForEvent } from './harness.js';
import type { Harness } from './harness.js';

describe('terraform driver: a Terraform killed by a signal', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.cleanup());

  it('is reported as killed, and the lock it left is explained at the next run after a short wait', async () => {
    const pr50 = h.target('pr', 50);
    const runner = h.runnerWith({ PRENV_FAKE_TF_DELAY_MS: '30000' });
    await runner.init(pr50);
    const started = waitForEvent((e) => e.type === 'apply_start');
    const applying = runner
      .apply(pr50, {}, { onProgress: started.onProgress })
      .catch((e: unknown) => e);
    await started.seen;
    process.kill(lockHolderPid(h.lockPath(pr50)), 'SIGKILL');

    const killed = (await applying) as TerraformError;
    expect(killed).toBeInstanceOf(TerraformError);
    expect(killed.failure).toMatchObject({ kind: 'killed', signal: 'SIGKILL' });
    expect(killed.message).toMatch(/killed by SIGKILL \(not by prenv/);
    expect(existsSync(h.lockPath(pr50))).toBe(true);

    // The next run waits seconds, not the 10-minute default, and says whose lock it is.
    const locked = (await runner.apply(pr50, {}).catch((e: unknown) => e)) as TerraformError;
    expect(locked.failure.kind).toBe('state_locked');
    expect(locked.args).toContain('-lock-timeout=5s');
    expect(locked.message).toMatch(/lock ID [\w-]+/);
    expect(locked.message).toMatch(/terraform force-unlock -force [\w-]+/);
    expect(locked.message).toMatch(
      /most likely left behind: terraform apply was killed by SIGKILL/,
    );
  }, 30_000);

  it('after a restart, a run the dead bot left unfinished probes its lock the same way', async () => {
    const pr51 = h.target('pr', 51);
    const pr52 = h.target('pr', 52);
    const before = h.runnerWith({ PRENV_FAKE_TF_DELAY_MS: '30000' });
    await before.init(pr51);
    await before.init(pr52);
    const started = waitForEvent((e) => e.type === 'apply_start');
    const applying = before
      .apply(pr51, {}, { onProgress: started.onProgress })
      .catch((e: unknown) => e);
    await started.seen;
    process.kill(lockHolderPid(h.lockPath(pr51)), 'SIGKILL');
    await applying;

    // A new process knows of the dead run only from what removeStaleRunDirs found.
    const restarted = h.runnerWith(
      {},
      { leftRuns: [{ stateKey: stateKey(pr51), command: 'apply', pid: 4242 }] },
    );
    const locked = (await restarted.apply(pr51, {}).catch((e: unknown) => e)) as TerraformError;
    expect(locked.failure.kind).toBe('state_locked');
    expect(locked.args).toContain('-lock-timeout=5s');
    expect(locked.message).toMatch(
      /left behind: terraform apply \(pid 4242\) was running there when prenv stopped/,
    );
    // Other environments keep the configured lock timeout.
    await restarted.plan(pr52, {});
    const planArgs = h.logs.filter((l) => l.msg === 'terraform started').at(-1)?.fields.args;
    expect(planArgs).toContain('-lock-timeout=600s');
  }, 30_000);
});
