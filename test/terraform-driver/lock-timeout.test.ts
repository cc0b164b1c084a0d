import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTerraformRunner } from '../../bot/adapters/terraform/index.js';
import type { ProgressEvent } from '../../bot/adapters/terraform/index.js';
import { createHarness, fakeTerraform } from './harness.js';
import type { Harness } from './harness.js';

const WAITING = 'Acquiring state lock. This may take a few moments...';

describe('terraform driver: waiting for the state lock', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.cleanup());

  it('a second apply waits while the first holds the lock, then succeeds', async () => {
    const pr30 = h.target('pr', 30);
    await h.runner.init(pr30);
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const first = h
      .runnerWith({ PRENV_FAKE_TF_DELAY_MS: '1000' })
      .apply(pr30, {}, { onProgress: (e) => e.type === 'apply_start' && started() });
    await running;

    // The runner's default lock timeout (10 minutes) is far longer than the first run.
    const events: ProgressEvent[] = [];
    const second = h.runner.apply(pr30, {}, { onProgress: (e) => events.push(e) });
    const [a, b] = await Promise.all([first, second]);

    // The second waited for the lock and then saw the first's state (nothing left to add).
    // Which promise settles first is not the property: under load the first run's output
    // can still be read after the second has finished.
    expect(events.map((e) => e.message)).toContain(WAITING);
    expect(a.changes).toEqual({ add: 1, change: 0, destroy: 0 });
    expect(b.changes).toEqual({ add: 0, change: 0, destroy: 0 });
    expect(b.outputs.node_names).toEqual(['pr-30-prenv-client-1']);
    expect(existsSync(h.lockPath(pr30))).toBe(false);
  });

  it('a plan with a short lock timeout fails with state_locked and who holds it', async () => {
    const pr31 = h.target('pr', 31);
    await h.runner.init(pr31);
    const controller = new AbortController();
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const first = h.runnerWith({ PRENV_FAKE_TF_DELAY_MS: '30000' }).apply(
      pr31,
      {},
      {
        signal: controller.signal,
        onProgress: (e) => e.type === 'apply_start' && started(),
      },
    );
    await running;

    const plan = await h
      .runnerWith({}, { lockTimeoutMs: 250 })
      .plan(pr31, {})
      .catch((e: unknown) => e);
    expect(plan).toMatchObject({
      args: expect.arrayContaining(['-lock-timeout=250ms']),
      failure: { kind: 'state_locked', operation: 'OperationTypeApply' },
    });
    controller.abort();
    await expect(first).rejects.toMatchObject({ failure: { kind: 'cancelled' } });
    expect(existsSync(h.lockPath(pr31))).toBe(false);
  });

  it('a free lock is taken at once, without the waiting message', async () => {
    const pr32 = h.target('pr', 32);
    await h.runner.init(pr32);
    const events: ProgressEvent[] = [];
    await h.runner.destroy(pr32, {}, { onProgress: (e) => events.push(e) });
    expect(events.map((e) => e.message)).not.toContain(WAITING);
  });

  it.each([-1, 1.5, Number.NaN])('rejects lockTimeoutMs %s when the runner is made', (ms) => {
    expect(() => createTerraformRunner({ bin: fakeTerraform, env: {}, lockTimeoutMs: ms })).toThrow(
      /lockTimeoutMs must be a whole, non-negative number/,
    );
  });
});
