import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TerraformError } from '../../bot/adapters/terraform/index.js';
import { createHarness, isAlive, lockHolderPid, waitForEvent } from './harness.js';
import type { Harness } from './harness.js';

async function pidGone(pid: number): Promise<boolean> {
  // The driver awaits the child's exit, so this only absorbs a scheduling hiccup.
  for (let i = 0; i < 20 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !isAlive(pid);
}

describe('terraform driver: stopping a run', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ env: { PRENV_FAKE_TF_DELAY_MS: '30000' }, killGraceMs: 3_000 });
  });
  afterEach(() => h.cleanup());

  it('an abort mid-apply interrupts Terraform, which saves state and releases the lock', async () => {
    const pr11 = h.target('pr', 11);
    await h.runner.init(pr11);
    const controller = new AbortController();
    const progress = waitForEvent((e) => e.type === 'apply_start');
    const applying = h.runner.apply(
      pr11,
      {},
      { signal: controller.signal, onProgress: progress.onProgress },
    );
    await progress.seen;
    const pid = lockHolderPid(h.lockPath(pr11));
    expect(isAlive(pid)).toBe(true);

    controller.abort();
    const error = await applying.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraformError);
    expect((error as TerraformError).failure.kind).toBe('cancelled');
    expect(await pidGone(pid)).toBe(true);
    expect(existsSync(h.lockPath(pr11))).toBe(false);
    expect(existsSync(h.statePath(pr11))).toBe(true);
    expect(h.servers(pr11)).toEqual([]);
    const diagnostics = progress.events.filter((e) => e.type === 'diagnostic');
    expect(diagnostics.map((e) => e.diagnostic?.summary)).toEqual(['execution halted']);
  });

  it('a timeout does the same and says so', async () => {
    const pr12 = h.target('pr', 12);
    await h.runner.init(pr12);
    const progress = waitForEvent((e) => e.type === 'apply_start');
    const applying = h.runner.apply(
      pr12,
      {},
      { timeoutMs: 3_000, onProgress: progress.onProgress },
    );
    await progress.seen;
    const pid = lockHolderPid(h.lockPath(pr12));

    const error = await applying.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraformError);
    const failure = (error as TerraformError).failure;
    expect(failure).toMatchObject({ kind: 'timeout', timeoutMs: 3_000 });
    expect(failure.message).toMatch(/terraform apply for pr-12 did not finish within 3s/);
    expect(await pidGone(pid)).toBe(true);
    expect(existsSync(h.lockPath(pr12))).toBe(false);
  });

  it('a Terraform that ignores SIGINT is killed after the grace period', async () => {
    const stubborn = h.runnerWith({ PRENV_FAKE_TF_IGNORE_SIGINT: '1' });
    const pr13 = h.target('pr', 13);
    await stubborn.init(pr13);
    const controller = new AbortController();
    const progress = waitForEvent((e) => e.type === 'apply_start');
    const applying = stubborn.apply(
      pr13,
      {},
      { signal: controller.signal, onProgress: progress.onProgress },
    );
    await progress.seen;
    const pid = lockHolderPid(h.lockPath(pr13));

    controller.abort();
    const error = await applying.catch((e: unknown) => e);
    expect((error as TerraformError).failure.kind).toBe('cancelled');
    expect(await pidGone(pid)).toBe(true);
    // Killed hard, it could not release its lock: the next run reports who holds it.
    expect(existsSync(h.lockPath(pr13))).toBe(true);
    const next = await h
      .runnerWith({}, { lockTimeoutMs: 200 })
      .plan(pr13, {})
      .catch((e: unknown) => e);
    const lock = JSON.parse(readFileSync(h.lockPath(pr13), 'utf8')) as { ID: string };
    expect((next as TerraformError).failure).toMatchObject({
      kind: 'state_locked',
      lockId: lock.ID,
    });
  });

  it('a signal aborted before the start runs nothing', async () => {
    const pr14 = h.target('pr', 14);
    await h.runner.init(pr14);
    const error = await h.runner
      .apply(pr14, {}, { signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect((error as TerraformError).failure.kind).toBe('cancelled');
    expect(existsSync(h.statePath(pr14))).toBe(false);
  });
});
