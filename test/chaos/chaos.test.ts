import { describe, expect, it } from 'vitest';
import { runChaos } from './chaos-run.js';

/**
 * The short, fixed-seed part of `npm run chaos`: 150 events, one SIGKILL of the bot, Caddy and
 * Consul restarting once, 10 % of Terraform applies failing; every invariant must hold.
 */
describe('chaos life cycle (fixed seed)', () => {
  it('keeps every invariant through 150 events, a bot kill and restarts of Caddy and Consul', async () => {
    const lines: string[] = [];
    const summary = await runChaos({
      seed: 20260301,
      events: 150,
      kills: 1,
      restartCaddyAndConsul: true,
      terraformFailRate: 0.1,
      paceMs: 60,
      // Longer than two failed applies' retry backoff (the bot retries after 30 s, then 60 s).
      settleTimeoutMs: 150_000,
      log: (line) => lines.push(line),
    });
    expect(summary.violations, lines.join('\n')).toEqual([]);
    expect(summary.faults.killsAt).toHaveLength(1);
    expect(summary.statesChecked).toBeGreaterThanOrEqual(150);
    // The sequence covers every kind of event the run draws.
    expect(Object.keys(summary.eventCounts).sort()).toEqual([
      'close',
      'comment',
      'draft',
      'duplicate',
      'foreign',
      'late',
      'open',
      'push',
      'ready',
      'reopen',
    ]);
  }, 360_000);
});
