import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, nextRetryAt, retryDelay } from '../../bot/core/backoff.js';
import { command, kinds, only, pull, Sim } from './fixtures.js';

const HOUR = 3_600_000;

describe('backoff', () => {
  it.each([
    [1, 30_000],
    [2, 60_000],
    [3, 120_000],
    [7, 30 * 60_000],
    [60, 30 * 60_000],
  ])('retry %i waits %i ms', (attempt, ms) => {
    expect(retryDelay(attempt, DEFAULT_RETRY)).toBe(ms);
  });

  it('gives up after maxAttempts unless told to retry forever', () => {
    expect(nextRetryAt(5, 1000, DEFAULT_RETRY, false)).toBeNull();
    expect(nextRetryAt(5, 1000, DEFAULT_RETRY, true)).toBe(1000 + 8 * 60_000);
  });
});

describe('plan: failures and retries', () => {
  it('records a failure with backoff and retries the failed stage when due', () => {
    const sim = new Sim();
    sim.apply({ kind: 'pr_opened', pull: pull(1) });
    sim.finish(1);
    const failed = sim.finish(1, 'failed', 'health check timed out');
    expect(only(failed, 'mark_deployment')[0]?.state).toBe('failure');
    expect(sim.env(1).failure).toEqual({
      stage: 'deploy',
      attempts: 1,
      lastError: 'health check timed out',
      failedAt: sim.now,
      nextRetryAt: sim.now + 30_000,
    });
    sim.advance(29_999);
    expect(sim.apply({ kind: 'tick' })).toEqual([]);
    sim.advance(1);
    expect(kinds(sim.apply({ kind: 'tick' }))).toEqual(['deploy', 'mark_deployment', 'report']);
    sim.finish(1, 'failed', 'again');
    expect(sim.env(1).failure?.attempts).toBe(2);
    expect(sim.env(1).failure?.nextRetryAt).toBe(sim.now + 60_000);
    sim.advance(60_000);
    sim.apply({ kind: 'tick' });
    sim.finish(1);
    expect(sim.env(1).phase).toBe('live');
    expect(sim.env(1).failure).toBeNull();
  });

  it('stops retrying after maxAttempts and keeps the slot', () => {
    const sim = new Sim({ retry: { baseMs: 1000, maxMs: 1000, maxAttempts: 2 } });
    sim.apply({ kind: 'pr_opened', pull: pull(1) });
    sim.finish(1, 'failed', 'boom');
    sim.advance(1000);
    sim.apply({ kind: 'tick' });
    sim.finish(1, 'failed', 'boom');
    expect(sim.env(1).failure).toMatchObject({ attempts: 2, nextRetryAt: null });
    sim.advance(HOUR);
    expect(sim.apply({ kind: 'tick' })).toEqual([]);
    expect(sim.env(1).phase).toBe('failed');
  });

  it('retries a failed destroy forever', () => {
    const sim = new Sim({ retry: { baseMs: 1000, maxMs: 1000, maxAttempts: 1 } });
    sim.live(1);
    sim.apply({ kind: 'pr_closed', pull: pull(1, { state: 'closed' }) });
    for (let i = 0; i < 5; i++) {
      sim.finish(1, 'failed', 'server still locked');
      expect(sim.env(1).failure?.nextRetryAt).not.toBeNull();
      sim.advance(1000);
      expect(kinds(sim.apply({ kind: 'tick' }))).toContain('destroy');
    }
    sim.finish(1);
    expect(sim.env(1).phase).toBe('absent');
  });

  it('destroys a failed env when its PR closes', () => {
    const sim = new Sim();
    sim.apply({ kind: 'pr_opened', pull: pull(1) });
    sim.finish(1, 'failed', 'terraform apply failed');
    const actions = sim.apply({ kind: 'pr_closed', pull: pull(1, { state: 'closed' }) });
    expect(kinds(actions)).toEqual(['destroy', 'report']);
  });

  it('sends the PR back to the head of the queue at Hetzner’s server limit', () => {
    const sim = new Sim({ cap: 3, capacityRetryMs: 600_000 });
    sim.live(1);
    sim.apply({ kind: 'pr_opened', pull: pull(2) });
    const actions = sim.finish(2, 'at_capacity', 'resource_limit_exceeded');
    expect(only(actions, 'enqueue')).toEqual([{ kind: 'enqueue', pr: 2, position: 1 }]);
    expect(sim.env(2).phase).toBe('queued');
    expect(only(actions, 'report')[0]?.view.waitingForCapacity).toBe(true);
    // a later PR does not jump ahead, and nothing starts during the wait
    sim.apply({ kind: 'pr_opened', pull: pull(3) });
    expect(sim.env(3).phase).toBe('queued');
    expect(sim.env(3).ticket!.seq).toBeGreaterThan(sim.env(2).ticket!.seq);
    sim.advance(600_000);
    const resumed = sim.apply({ kind: 'tick' });
    expect(only(resumed, 'provision').map((a) => a.pr)).toEqual([2, 3]);
  });

  it('ends a capacity wait early when a server is destroyed', () => {
    const sim = new Sim({ cap: 3 });
    sim.live(1);
    sim.apply({ kind: 'pr_opened', pull: pull(2) });
    sim.finish(2, 'at_capacity');
    sim.apply({ kind: 'pr_closed', pull: pull(1, { state: 'closed' }) });
    const actions = sim.finish(1);
    expect(only(actions, 'provision').map((a) => a.pr)).toEqual([2]);
  });

  it('destroys an idle env after the TTL and brings it back on a push', () => {
    const sim = new Sim({ ttlMs: 72 * HOUR });
    sim.live(1);
    sim.advance(72 * HOUR - 1);
    expect(sim.apply({ kind: 'tick' })).toEqual([]);
    sim.advance(1);
    expect(kinds(sim.apply({ kind: 'tick' }))).toEqual(['destroy', 'report']);
    expect(sim.env(1).manualOverride?.reason).toBe('idle_ttl');
    sim.finish(1);
    const actions = sim.apply({ kind: 'pr_updated', pull: pull(1, { headSha: 'b'.repeat(40) }) });
    expect(kinds(actions)).toContain('provision');
  });

  it('keeps a /destroy in force when its failed destroy idles past the TTL', () => {
    const sim = new Sim({
      ttlMs: HOUR,
      retry: { baseMs: 2 * HOUR, maxMs: 2 * HOUR, maxAttempts: 3 },
    });
    sim.live(1);
    sim.apply(command(pull(1), 'destroy'));
    sim.finish(1, 'failed', 'timeout');
    sim.advance(HOUR);
    expect(sim.apply({ kind: 'tick' })).toEqual([]);
    expect(sim.env(1).manualOverride?.reason).toBe('destroy_command');
    sim.advance(HOUR);
    expect(kinds(sim.apply({ kind: 'tick' }))).toEqual(['destroy', 'report']);
  });

  it('treats an interrupted current run as a failure', () => {
    const sim = new Sim();
    sim.apply({ kind: 'pr_opened', pull: pull(1) });
    const run = sim.env(1).run!;
    sim.apply({ kind: 'run_finished', pr: 1, runId: run.id, outcome: 'cancelled' });
    expect(sim.env(1).failure).toMatchObject({
      stage: 'provision',
      lastError: 'the run was interrupted',
    });
  });
});
