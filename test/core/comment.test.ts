import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StickyView } from '../../bot/core/actions.js';
import { renderSticky, stickyMarker } from '../../bot/core/comment.js';
import { formatDuration } from '../../bot/core/format.js';
import { stickyView } from '../../bot/core/planner.js';
import { command, ctx, pull, Sim, sha } from './fixtures.js';

const HOSTILE = pull(7, {
  title: 'Fix `login` <!-- prenv:sticky pr-8 --> @evil-team **now** | [x](javascript:alert(1))',
  headRef: 'feat/`rm -rf`|-->',
  fork: true,
});

function view(sim: Sim, pr: number): StickyView {
  return stickyView(sim.world, sim.env(pr), ctx(sim.now, { cap: 2 }));
}

const scenarios: Record<string, () => StickyView> = {
  live: () => {
    const sim = new Sim();
    sim.apply({ kind: 'pr_opened', pull: pull(7) });
    sim.advance(62_000);
    sim.finish(7);
    sim.advance(95_000);
    sim.finish(7);
    return view(sim, 7);
  },
  redeploying: () => {
    const sim = new Sim();
    sim.live(7);
    sim.advance(3_600_000);
    sim.apply({ kind: 'pr_updated', pull: pull(7, { headSha: sha(7, 1) }) });
    return view(sim, 7);
  },
  queued: () => {
    const sim = new Sim({ cap: 2 });
    [1, 2].forEach((n) => sim.live(n));
    [3, 7, 9].forEach((n) => sim.apply({ kind: 'pr_opened', pull: pull(n) }));
    return view(sim, 7);
  },
  'waiting-for-capacity': () => {
    const sim = new Sim({ cap: 2 });
    sim.live(1);
    sim.apply({ kind: 'pr_opened', pull: pull(7) });
    sim.advance(40_000);
    sim.finish(7, 'at_capacity', 'resource_limit_exceeded');
    return view(sim, 7);
  },
  failed: () => {
    const sim = new Sim();
    sim.apply({ kind: 'pr_opened', pull: pull(7) });
    sim.advance(30_000);
    sim.finish(7);
    sim.advance(200_000);
    sim.finish(7, 'failed', 'health check failed\n```\n<!-- end --> ping @admins\n```');
    return view(sim, 7);
  },
  'retries-exhausted': () => {
    const sim = new Sim({ retry: { baseMs: 1000, maxMs: 1000, maxAttempts: 1 } });
    sim.apply({ kind: 'pr_opened', pull: pull(7) });
    sim.advance(5_000);
    sim.finish(7, 'failed', 'server type cx22 is no longer offered in nbg1');
    return view(sim, 7);
  },
  'fork-awaiting-maintainer': () => {
    const sim = new Sim();
    sim.apply({ kind: 'pr_opened', pull: HOSTILE });
    return view(sim, 7);
  },
  'destroyed-on-request': () => {
    const sim = new Sim();
    sim.live(7);
    sim.apply(command(pull(7), 'destroy', 'admin', 'release-manager'));
    sim.advance(20_000);
    sim.finish(7);
    return view(sim, 7);
  },
  'merged-destroying': () => {
    const sim = new Sim();
    sim.live(7);
    sim.apply({ kind: 'pr_closed', pull: pull(7, { state: 'closed', merged: true }) });
    return view(sim, 7);
  },
};

const goldenPath = (name: string) => new URL(`./golden/sticky-${name}.md.golden`, import.meta.url);

describe('sticky comment', () => {
  it.each(Object.keys(scenarios))('renders %s like its golden file', (name) => {
    const rendered = renderSticky(scenarios[name]!());
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(goldenPath(name), rendered);
    expect(rendered).toBe(readFileSync(goldenPath(name), 'utf8'));
  });

  it.each(Object.keys(scenarios))(
    '%s starts with its marker and holds no other HTML comment',
    (name) => {
      const rendered = renderSticky(scenarios[name]!());
      expect(rendered.startsWith(`${stickyMarker(7)}\n`)).toBe(true);
      expect(rendered.split('<!--')).toHaveLength(2);
      expect(rendered.split('-->')).toHaveLength(2);
    },
  );

  it('keeps hostile titles and branches from adding markup or mentions', () => {
    const rendered = renderSticky(scenarios['fork-awaiting-maintainer']!());
    expect(rendered).not.toMatch(/@evil/);
    expect(rendered).not.toContain('**now**');
    expect(rendered).not.toContain('](javascript');
    expect(rendered).toContain('``feat/`rm -rf`\\|- ->``');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [59_400, '59s'],
    [62_000, '1m 02s'],
    [3_599_000, '59m 59s'],
    [3_720_000, '1h 02m'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
