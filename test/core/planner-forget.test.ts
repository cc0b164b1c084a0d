import { describe, expect, it } from 'vitest';
import { FORGET_CLOSED_AFTER_MS } from '../../bot/core/planner-tick.js';
import { pull, Sim } from './fixtures.js';

const DAY = 24 * 3_600_000;

describe('the world forgets closed PRs long gone, and nothing else', () => {
  it('drops a closed PR whose environment is destroyed once the retention has passed', () => {
    const sim = new Sim();
    sim.live(1);
    sim.live(2);
    sim.apply({ kind: 'pr_closed', pull: pull(1, { state: 'closed', merged: true }) });
    sim.finish(1);
    expect(sim.env(1).phase).toBe('absent');

    sim.now += FORGET_CLOSED_AFTER_MS - DAY;
    sim.apply({ kind: 'tick' });
    expect(Object.keys(sim.world.envs)).toEqual(['1', '2']);

    sim.now += DAY;
    sim.apply({ kind: 'tick' });
    expect(Object.keys(sim.world.envs)).toEqual(['2']);
    expect(sim.env(2).phase).toBe('live');
  });

  it('keeps a closed PR whose destroy is still running, and an open PR kept without an env', () => {
    const sim = new Sim();
    sim.live(1);
    sim.apply({ kind: 'pr_closed', pull: pull(1, { state: 'closed' }) });
    sim.live(2);
    sim.apply({ kind: 'pr_drafted', pull: pull(2, { draft: true }) });
    sim.finish(2);
    expect(sim.env(2).phase).toBe('absent');
    sim.now += 30 * DAY;
    sim.apply({ kind: 'tick' });
    expect(sim.env(1).phase).toBe('destroying');
    expect(sim.env(2).pull.draft).toBe(true);
  });

  it('plans a PR reopened after being forgotten like a new one', () => {
    const sim = new Sim();
    sim.live(3);
    sim.apply({ kind: 'pr_closed', pull: pull(3, { state: 'closed' }) });
    sim.finish(3);
    sim.now += FORGET_CLOSED_AFTER_MS;
    sim.apply({ kind: 'tick' });
    expect(sim.world.envs[3]).toBeUndefined();
    const actions = sim.apply({ kind: 'pr_opened', pull: pull(3) });
    expect(actions.map((a) => a.kind)).toContain('provision');
  });

  it('keeps the world small after thousands of PRs came and went', () => {
    const sim = new Sim();
    for (let pr = 1; pr <= 300; pr += 1) {
      sim.live(pr);
      sim.apply({ kind: 'pr_closed', pull: pull(pr, { state: 'closed' }) });
      sim.finish(pr);
    }
    const before = JSON.stringify(sim.world).length;
    sim.now += FORGET_CLOSED_AFTER_MS;
    sim.apply({ kind: 'tick' });
    expect(Object.keys(sim.world.envs)).toEqual([]);
    expect(JSON.stringify(sim.world).length).toBeLessThan(before / 100);
  });
});
