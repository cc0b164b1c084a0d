import { describe, expect, it } from 'vitest';
import { runChaos } from './chaos-run.js';

/**
 * The short, fixed-seed part of `npm run chaos`: 150 events, one SIGKILL of the bot, Caddy and
 * Consul restarting once, 10 % of Terraform applies failing; every invariant must hold. The
 * seed is one whose failing applies come early (the 2nd, 4th and 9th of the run), so a short
 * run does meet Terraform failures and their retries.
 */
describe('chaos life cycle (fixed seed)', () => {
  it('keeps every invariant through 150 events, a bot kill and restarts of Caddy and Consul', async () => {
    const lines: string[] = [];
    const summary = await runChaos({
      seed: 20260318,
      events: 150,
      kills: 1,
      restartCaddyAndConsul: true,
      terraformFailRate: 0.1,
      paceMs: 60,
      // Far longer than the retries of a run failing again and again (1 s, 2 s, 4 s, 8 s with the
      // run's PRENV_RUN_RETRY_MS of 1 s, see chaos-processes.ts).
      settleTimeoutMs: 90_000,
      log: (line) => lines.push(line),
    });
    expect(summary.violations, lines.join('\n')).toEqual([]);
    expect(summary.faults.killsAt).toHaveLength(1);
    expect(summary.faults.failedApplies, lines.join('\n')).toBeGreaterThanOrEqual(1);
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
  }, 240_000);
});
