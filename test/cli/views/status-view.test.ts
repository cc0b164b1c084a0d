import { describe, expect, it } from 'vitest';
import { renderStatus } from '../../../bot/cli/views/status-text.js';
import type { StatusTarget } from '../../../bot/cli/views/status-view.js';
import { parseStatusTarget, statusView } from '../../../bot/cli/views/status-view.js';
import { pull, Sim } from '../../core/fixtures.js';
import { busyWorld, expectGolden, json, viewInput } from './view-fixtures.js';

function status(sim: Sim, target: StatusTarget) {
  const result = statusView(viewInput(sim), target);
  if (!result.ok) throw new Error(result.message);
  return result.status;
}

describe('prenv status', () => {
  it.each<[string, StatusTarget]>([
    ['pr-7-live', 7],
    ['pr-12-redeploying', 12],
    ['pr-15-failed', 15],
    ['pr-21-queued', 21],
    ['pr-30-destroyed', 30],
    ['production', 'production'],
    ['staging-unknown', 'staging'],
  ])('renders %s like its golden files (text and JSON)', (name, target) => {
    const s = status(busyWorld(), target);
    expectGolden(`status-${name}.txt.golden`, renderStatus(s));
    expectGolden(`status-${name}.json.golden`, json(s));
  });

  it('shows the run in flight, the retry and the TTL relative to now', () => {
    const sim = busyWorld();
    const redeploying = status(sim, 12);
    expect(redeploying.kind === 'pr' && redeploying.run?.elapsedMs).toBe(25_000);
    const failed = status(sim, 15);
    expect(failed.kind === 'pr' && failed.failure?.nextRetryInMs).toBeLessThan(0);
    const live = status(sim, 7);
    expect(live.kind === 'pr' && live.ttl).toEqual({
      ttlMs: 72 * 3_600_000,
      lastActivityAt: new Date(sim.env(7).lastActivityAt).toISOString(),
      remainingMs: sim.env(7).lastActivityAt + 72 * 3_600_000 - sim.now,
    });
  });

  it('keeps control characters of user text out of the terminal', () => {
    const sim = new Sim();
    sim.apply({
      kind: 'pr_opened',
      pull: pull(9, { title: 'evil \u001b[2J\u009b title', author: 'x\u0007y' }),
    });
    const text = renderStatus(status(sim, 9));
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('"evil ?[2J? title" by x?y');
  });

  it.each([
    [{}, '#9 "Change 9" by octocat (feature/9), open'],
    [{ title: '', author: '', headRef: '' }, '#9, open'],
    [{ title: '', headRef: '' }, '#9 by octocat, open'],
  ])('names the pull request with what the state knows of it: %j', (overrides, line) => {
    const sim = new Sim();
    sim.apply({ kind: 'pr_opened', pull: pull(9, overrides) });
    expect(renderStatus(status(sim, 9))).toContain(`Pull request  ${line}\n`);
  });

  it('says what to do for a PR without a record', () => {
    expect(statusView(viewInput(new Sim()), 99)).toEqual({
      ok: false,
      message:
        'pr-99 has no record: prenv has seen no event for PR #99. Run `prenv deploy pr 99` to create it.',
    });
  });

  it.each([
    ['production', 'production'],
    ['staging', 'staging'],
    ['pr-7', 7],
    ['7', 7],
    ['pr 7', 7],
    ['#7', 7],
    ['pr-0', null],
    ['pr7', null],
    ['#pr-7', null],
    ['pr 7 8', null],
    ['pr-', null],
    ['prod', null],
    ['7x', null],
  ])('parses %s as %j', (text, target) => {
    expect(parseStatusTarget(text)).toBe(target);
  });
});
