import { describe, expect, it } from 'vitest';
import type { PlanEvent } from '../../bot/core/actions.js';
import type { Phase } from '../../bot/core/model.js';
import { plan } from '../../bot/core/planner.js';
import { ctx, kinds, only, pull, Sim, sha } from './fixtures.js';

interface Case {
  name: string;
  cap?: number;
  setup: (sim: Sim) => void;
  event: (sim: Sim) => PlanEvent;
  actions: string[];
  phases: Record<number, Phase>;
}

const fill = (sim: Sim, prs: number[]) => prs.forEach((n) => sim.live(n));

const cases: Case[] = [
  {
    name: 'open with a free slot provisions at once',
    setup: () => {},
    event: () => ({ kind: 'pr_opened', pull: pull(1) }),
    actions: ['provision', 'mark_deployment', 'report'],
    phases: { 1: 'provisioning' },
  },
  {
    name: 'a provisioned server gets the desired SHA deployed',
    setup: (s) => s.apply({ kind: 'pr_opened', pull: pull(1) }),
    event: (s) => ({ kind: 'run_finished', pr: 1, runId: s.env(1).run!.id, outcome: 'succeeded' }),
    actions: ['deploy', 'mark_deployment', 'report'],
    phases: { 1: 'deploying' },
  },
  {
    name: 'a finished deploy makes the env live',
    setup: (s) => {
      s.apply({ kind: 'pr_opened', pull: pull(1) });
      s.finish(1);
    },
    event: (s) => ({ kind: 'run_finished', pr: 1, runId: s.env(1).run!.id, outcome: 'succeeded' }),
    actions: ['mark_deployment', 'report'],
    phases: { 1: 'live' },
  },
  {
    name: 'open at the cap queues',
    cap: 2,
    setup: (s) => fill(s, [1, 2]),
    event: () => ({ kind: 'pr_opened', pull: pull(3) }),
    actions: ['enqueue', 'mark_deployment', 'report'],
    phases: { 1: 'live', 2: 'live', 3: 'queued' },
  },
  {
    name: 'closing a live env destroys it',
    setup: (s) => fill(s, [1]),
    event: () => ({ kind: 'pr_closed', pull: pull(1, { state: 'closed', merged: true }) }),
    actions: ['destroy', 'report'],
    phases: { 1: 'destroying' },
  },
  {
    name: 'converting to draft destroys it',
    setup: (s) => fill(s, [1]),
    event: () => ({ kind: 'pr_drafted', pull: pull(1, { draft: true }) }),
    actions: ['destroy', 'report'],
    phases: { 1: 'destroying' },
  },
  {
    name: 'a finished destroy frees the slot for the first queued PR',
    cap: 1,
    setup: (s) => {
      fill(s, [1]);
      s.apply({ kind: 'pr_opened', pull: pull(2) });
      s.apply({ kind: 'pr_opened', pull: pull(3) });
      s.apply({ kind: 'pr_closed', pull: pull(1, { state: 'closed' }) });
    },
    event: (s) => ({ kind: 'run_finished', pr: 1, runId: s.env(1).run!.id, outcome: 'succeeded' }),
    actions: [
      'mark_deployment',
      'dequeue',
      'provision',
      'mark_deployment',
      'report',
      'report',
      'report',
    ],
    phases: { 1: 'absent', 2: 'provisioning', 3: 'queued' },
  },
  {
    name: 'closing a queued PR leaves the queue without a destroy',
    cap: 1,
    setup: (s) => {
      fill(s, [1]);
      s.apply({ kind: 'pr_opened', pull: pull(2) });
      s.apply({ kind: 'pr_opened', pull: pull(3) });
    },
    event: () => ({ kind: 'pr_closed', pull: pull(2, { state: 'closed' }) }),
    actions: ['dequeue', 'mark_deployment', 'report', 'report'],
    phases: { 1: 'live', 2: 'absent', 3: 'queued' },
  },
  {
    name: 'a push to a live env redeploys the new SHA',
    setup: (s) => fill(s, [1]),
    event: () => ({ kind: 'pr_updated', pull: pull(1, { headSha: sha(1, 1) }) }),
    actions: ['redeploy', 'mark_deployment', 'report'],
    phases: { 1: 'redeploying' },
  },
  {
    name: 'a push to a queued env only updates its SHA',
    cap: 1,
    setup: (s) => {
      fill(s, [1]);
      s.apply({ kind: 'pr_opened', pull: pull(2) });
    },
    event: () => ({ kind: 'pr_updated', pull: pull(2, { headSha: sha(2, 1) }) }),
    actions: ['report'],
    phases: { 1: 'live', 2: 'queued' },
  },
  {
    name: 'a push while provisioning waits for the server',
    setup: (s) => s.apply({ kind: 'pr_opened', pull: pull(1) }),
    event: () => ({ kind: 'pr_updated', pull: pull(1, { headSha: sha(1, 1) }) }),
    actions: ['report'],
    phases: { 1: 'provisioning' },
  },
  {
    name: 'a push while deploying cancels the superseded run',
    setup: (s) => {
      s.apply({ kind: 'pr_opened', pull: pull(1) });
      s.finish(1);
    },
    event: () => ({ kind: 'pr_updated', pull: pull(1, { headSha: sha(1, 1) }) }),
    actions: ['cancel_run', 'deploy', 'mark_deployment', 'report'],
    phases: { 1: 'deploying' },
  },
  {
    name: 'a fork is not deployed when opened',
    setup: () => {},
    event: () => ({ kind: 'pr_opened', pull: pull(1, { fork: true }) }),
    actions: ['reply', 'report'],
    phases: { 1: 'absent' },
  },
  {
    name: 'a push to an approved fork is not deployed',
    setup: (s) => {
      s.apply({ kind: 'pr_opened', pull: pull(1, { fork: true }) });
      s.apply({
        kind: 'command',
        pull: pull(1, { fork: true }),
        commentId: 5,
        writtenAt: null,
        actor: 'm',
        permission: 'admin',
        command: { kind: 'command', name: 'deploy', line: 1 },
      });
      s.finish(1);
      s.finish(1);
    },
    event: () => ({ kind: 'pr_updated', pull: pull(1, { fork: true, headSha: sha(1, 1) }) }),
    actions: ['report'],
    phases: { 1: 'live' },
  },
  {
    name: 'closing a PR the bot never saw only records it closed (a late open cannot revive it)',
    setup: () => {},
    event: () => ({ kind: 'pr_closed', pull: pull(9, { state: 'closed' }) }),
    actions: [],
    phases: { 9: 'absent' },
  },
  {
    name: 'an ignored event does nothing',
    setup: (s) => fill(s, [1]),
    event: () => ({ kind: 'ignored', reason: 'labeled' }),
    actions: [],
    phases: { 1: 'live' },
  },
  {
    name: 'a duplicate opened delivery for a live env does nothing',
    setup: (s) => fill(s, [1]),
    event: () => ({ kind: 'pr_opened', pull: pull(1) }),
    actions: [],
    phases: { 1: 'live' },
  },
  {
    name: 'a stale run result is ignored',
    setup: (s) => {
      s.apply({ kind: 'pr_opened', pull: pull(1) });
      s.finish(1);
      s.apply({ kind: 'pr_updated', pull: pull(1, { headSha: sha(1, 1) }) });
    },
    event: (s) => {
      const cancelled = only(s.log, 'cancel_run')[0]!;
      return { kind: 'run_finished', pr: 1, runId: cancelled.runId, outcome: 'succeeded' };
    },
    actions: [],
    phases: { 1: 'deploying' },
  },
];

describe('plan: life cycle', () => {
  it.each(cases)('$name', (c) => {
    const sim = new Sim(c.cap ? { cap: c.cap } : {});
    c.setup(sim);
    const actions = sim.apply(c.event(sim));
    expect(kinds(actions)).toEqual(c.actions);
    const phases = Object.fromEntries(Object.values(sim.world.envs).map((e) => [e.pr, e.phase]));
    expect(phases).toEqual(c.phases);
  });

  it('deploys the newest SHA once provisioning ends', () => {
    const sim = new Sim();
    sim.apply({ kind: 'pr_opened', pull: pull(1) });
    sim.apply({ kind: 'pr_updated', pull: pull(1, { headSha: sha(1, 1) }) });
    const [deploy] = only(sim.finish(1), 'deploy');
    expect(deploy?.sha).toBe(sha(1, 1));
  });

  it('marks the GitHub deployment through its states with the URL when live', () => {
    const sim = new Sim({ cap: 1 });
    sim.live(1);
    sim.apply({ kind: 'pr_opened', pull: pull(2) });
    sim.apply({ kind: 'pr_closed', pull: pull(1, { state: 'closed' }) });
    sim.finish(1);
    const marks = only(sim.log, 'mark_deployment').map((m) => [m.pr, m.state, m.url]);
    expect(marks).toEqual([
      [1, 'in_progress', null],
      [1, 'in_progress', null],
      [1, 'success', 'https://pr-1.pr.example.com'],
      [2, 'queued', null],
      [1, 'inactive', null],
      [2, 'in_progress', null],
    ]);
  });

  it('redeploys a reopened PR after its destroy ends', () => {
    const sim = new Sim();
    sim.live(1);
    sim.apply({ kind: 'pr_closed', pull: pull(1, { state: 'closed' }) });
    sim.apply({ kind: 'pr_opened', pull: pull(1) });
    expect(sim.env(1).phase).toBe('destroying');
    expect(kinds(sim.finish(1))).toContain('provision');
    expect(sim.env(1).phase).toBe('provisioning');
  });

  it('reports queue positions that moved', () => {
    const sim = new Sim({ cap: 1 });
    sim.live(1);
    [2, 3, 4].forEach((n) => sim.apply({ kind: 'pr_opened', pull: pull(n) }));
    const reports = only(
      sim.apply({ kind: 'pr_closed', pull: pull(2, { state: 'closed' }) }),
      'report',
    );
    expect(reports.map((r) => [r.pr, r.view.queue])).toEqual([
      [2, null],
      [3, { position: 1, length: 2 }],
      [4, { position: 2, length: 2 }],
    ]);
  });

  it('leaves its input untouched and gives the same result for the same input', () => {
    const sim = new Sim();
    sim.live(1);
    const before = structuredClone(sim.world);
    const event: PlanEvent = { kind: 'pr_updated', pull: pull(1, { headSha: sha(1, 2) }) };
    const a = plan(sim.world, event, ctx());
    const b = plan(sim.world, event, ctx());
    expect(sim.world).toEqual(before);
    expect(a).toEqual(b);
  });
});
