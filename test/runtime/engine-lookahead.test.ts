import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../bot/core/events.js';
import { holdReason, LOOKAHEAD_KINDS, lookAhead } from '../../bot/core/lookahead.js';
import { CountingGitHub } from '../fakes/github/counting-github.js';
import { createHarness, pull, until } from './harness.js';

const close = (pr: number): DomainEvent => ({
  kind: 'pr_closed',
  pull: pull(pr, `sha-${pr}-0`, { state: 'closed' }),
});

describe('lookAhead: what received deliveries say before they are planned', () => {
  const destroy = (name: 'destroy' | 'deploy'): DomainEvent => ({
    kind: 'comment_command',
    pr: 4,
    commentId: 1,
    writtenAt: '2026-01-01T00:00:00Z',
    actor: 'm',
    command: { kind: 'command', name, line: 1 },
  });
  it.each<[string, DomainEvent[], number[], [number, string][]]>([
    ['a close', [close(1)], [1], []],
    ['a draft', [{ kind: 'pr_drafted', pull: pull(2, 's', { draft: true }) }], [2], []],
    ['a /destroy', [destroy('destroy')], [4], []],
    ['a /deploy is no stop', [destroy('deploy')], [], []],
    [
      'pushes: the newest head wins',
      [
        { kind: 'pr_updated', pull: pull(3, 'a') },
        { kind: 'pr_updated', pull: pull(3, 'b') },
      ],
      [],
      [[3, 'b']],
    ],
    [
      'a fork push moves nothing',
      [{ kind: 'pr_updated', pull: pull(5, 'f', { fork: true }) }],
      [],
      [],
    ],
    ['an open is no stop', [{ kind: 'pr_opened', pull: pull(6) }], [], []],
  ])('%s', (_what, events, stops, heads) => {
    const ahead = lookAhead(events);
    expect([...ahead.stops]).toEqual(stops);
    expect([...ahead.heads]).toEqual(heads);
  });

  it('reads only the kinds it names, so the store may hand out only those', () => {
    const samples: DomainEvent[] = [
      { kind: 'pr_opened', pull: pull(1) },
      { kind: 'pr_updated', pull: pull(1, 'b') },
      close(1),
      { kind: 'pr_drafted', pull: pull(1, 's', { draft: true }) },
      destroy('destroy'),
      { kind: 'branch_pushed', branch: 'main', sha: 'c'.repeat(40), defaultBranch: 'main' },
      { kind: 'checks_changed', sha: 'c'.repeat(40) },
      { kind: 'ignored', reason: 'not acted on' },
    ];
    for (const event of samples) {
      const ahead = lookAhead([event]);
      const says = ahead.stops.size + ahead.heads.size > 0;
      if (says) expect(LOOKAHEAD_KINDS).toContain(event.kind);
      if (!(LOOKAHEAD_KINDS as readonly string[]).includes(event.kind)) expect(says).toBe(false);
    }
  });

  it('holds provisions and deploys for a stopped PR, deploys of a replaced SHA, never a destroy', () => {
    const ahead = lookAhead([close(1), { kind: 'pr_updated', pull: pull(2, 'new') }]);
    expect(holdReason({ kind: 'provision', pr: 1, runId: 'r' }, ahead)).toMatch(/close/);
    expect(holdReason({ kind: 'destroy', pr: 1, runId: 'r' }, ahead)).toBeNull();
    expect(holdReason({ kind: 'redeploy', pr: 2, runId: 'r', sha: 'old' }, ahead)).toMatch(/new/);
    expect(holdReason({ kind: 'redeploy', pr: 2, runId: 'r', sha: 'new' }, ahead)).toBeNull();
    expect(holdReason({ kind: 'provision', pr: 3, runId: 'r' }, ahead)).toBeNull();
  });
});

describe('engine: no server for a PR whose close is already received', () => {
  it('30 opened, all closed while 15 provision: only the first 15 ever provision, nothing is left', async () => {
    const github = new CountingGitHub();
    // Debounce and deferral far longer than the test: what is written does not depend on speed.
    const h = createHarness({ github, queueEditDebounceMs: 60_000, stopDeferMs: 60_000 });
    h.ops.hold('provision');
    for (let pr = 1; pr <= 30; pr++)
      await h.deliver(`open-${pr}`, { kind: 'pr_opened', pull: pull(pr) });
    await h.engine.drain();
    await until(() => h.ops.running('provision').length === 15, '15 provisions run');
    await until(() => github.stickyWrites.size === 30, 'every PR has its comment');
    const writesBefore = new Map(github.stickyWrites);

    for (let pr = 1; pr <= 30; pr++) await h.deliver(`close-${pr}`, close(pr));
    h.ops.release('provision');
    await h.engine.idle();

    const provisioned = h.ops.calls.filter((c) => c.op === 'provision').map((c) => c.pr);
    expect(provisioned).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(h.ops.servers.size).toBe(0);
    const world = await h.world();
    expect(Object.values(world.envs).every((e) => e.phase === 'absent')).toBe(true);
    // The close burst: at most 2 sticky writes per PR, and each PR's last one is its final state.
    for (let pr = 1; pr <= 30; pr++) {
      const during = (github.stickyWrites.get(pr) ?? 0) - (writesBefore.get(pr) ?? 0);
      expect(
        during,
        `pr ${pr}: ${github
          .sticky(pr)
          ?.history.map((b) => /^### (.*)$/m.exec(b)?.[1])
          .join(' → ')}`,
      ).toBeLessThanOrEqual(2);
      expect(
        github.sticky(pr)?.body,
        `pr ${pr}: ${github
          .sticky(pr)
          ?.history.map((b) => /^### (.*)$/m.exec(b)?.[1])
          .join(' → ')}`,
      ).toMatch(/no environment/);
    }
    expect(github.maxInFlightPerPr).toBe(1);
    expect(Math.max(...h.slotLog)).toBeLessThanOrEqual(15);
    await h.engine.stop();
  });

  it('a slot freed while the next PR’s close waits in the queue goes to the PR after it', async () => {
    const h = createHarness({ cap: 1 });
    h.ops.hold('provision');
    for (const pr of [1, 2, 3])
      await h.deliver(`open-${pr}`, { kind: 'pr_opened', pull: pull(pr) });
    await h.engine.drain();
    await until(() => h.ops.running('provision').length === 1, 'pr 1 provisions');
    await h.deliver('close-1', close(1));
    await h.deliver('close-2', close(2));
    h.ops.release('provision');
    await h.engine.idle();
    expect(h.ops.calls.filter((c) => c.op === 'provision').map((c) => c.pr)).toEqual([1, 3]);
    expect((await h.world()).envs[3]?.phase).toBe('live');
    await h.engine.stop();
  });

  it('a burst of received pushes deploys only the newest SHA', async () => {
    const h = createHarness();
    await h.deliver('open', { kind: 'pr_opened', pull: pull(1, 'a') });
    await h.engine.idle();
    for (const sha of ['b', 'c', 'd'])
      await h.deliver(`push-${sha}`, { kind: 'pr_updated', pull: pull(1, sha) });
    await h.engine.idle();
    expect(
      h.ops.calls.filter((c) => c.op === 'deploy' && c.outcome === 'done').map((c) => c.sha),
    ).toEqual(['a', 'd']);
    expect(h.ops.calls.filter((c) => c.op === 'deploy').map((c) => c.sha)).not.toContain('b');
    expect(h.ops.live.get(1)).toBe('d');
    await h.engine.stop();
  });

  it('looks up a batch of commands on a slow GitHub at once, and still plans in delivery order', async () => {
    const github = new CountingGitHub(30);
    github.permissions.set('maintainer', 'write');
    const h = createHarness({ github });
    for (let pr = 1; pr <= 8; pr++) {
      github.pulls.set(pr, { ...pull(pr), state: 'open', merged: false });
      await h.deliver(`cmd-${pr}`, {
        kind: 'comment_command',
        pr,
        commentId: 100 + pr,
        writtenAt: '2026-01-01T00:00:00Z',
        actor: 'maintainer',
        command: { kind: 'command', name: 'deploy', line: 1 },
      });
    }
    await h.deliver('close-3', close(3));
    await h.engine.idle();
    expect(github.maxReadsInFlight).toBeGreaterThan(2);
    expect(github.reactions.map((r) => r.commentId)).toEqual([
      101, 102, 103, 104, 105, 106, 107, 108,
    ]);
    const world = await h.world();
    expect([1, 2, 4, 5, 6, 7, 8].map((pr) => world.envs[pr]?.phase)).toEqual(Array(7).fill('live'));
    expect(world.envs[3]?.phase).toBe('absent');
    expect(h.ops.calls.filter((c) => c.op === 'provision').map((c) => c.pr)).not.toContain(3);
    await h.engine.stop();
  });
});
