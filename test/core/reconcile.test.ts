import { describe, expect, it } from 'vitest';
import type { PullRequestRef } from '../../bot/core/model.js';
import type { ReconcileInput, ReconcilePlan } from '../../bot/core/reconcile.js';
import { applyReconcile, reconcile, routeRepairStillDue } from '../../bot/core/reconcile.js';
import { assertCapHeld, CapExceededError } from '../../bot/core/slots.js';
import { command, kinds, only, pull, sha, Sim } from './fixtures.js';

const HOUR = 3_600_000;
const RCTX = { project: 'aipacto', stuckAfterMs: HOUR };

function input(sim: Sim, openPulls: PullRequestRef[], infra: Partial<ReconcileInput> = {}) {
  return {
    openPulls,
    world: sim.world,
    servers: [],
    nomadJobs: [],
    terraformStates: [],
    now: sim.now,
    ...infra,
  } satisfies ReconcileInput;
}

/** Runs one reconcile pass through the planner, checking the cap after every event. */
function pass(sim: Sim, plan: ReconcilePlan) {
  const applied = applyReconcile(sim.world, plan, sim.context);
  for (const step of applied.steps) assertCapHeld(Object.values(step.world.envs), sim.context.cap);
  sim.world = applied.world;
  return applied;
}

const previewServer = (pr: number, project = 'aipacto') => ({
  name: `pr-${pr}-${project}-client-1`,
  labels: { project, environment: 'pr', pr: String(pr) },
});

const previewJob = (pr: number, project = 'aipacto') => ({
  id: `${project}-pr-${pr}-web`,
  meta: {
    prenv_project: project,
    prenv_env: `pr-${pr}`,
    prenv_pr: String(pr),
    prenv_sha: sha(pr, 0),
  },
});

describe('reconcile: lost webhooks', () => {
  it('destroys the env of a PR closed on GitHub, then finds nothing on the next pass', () => {
    const sim = new Sim();
    sim.live(3);
    sim.live(4);
    const plan = reconcile(input(sim, [pull(4)]), RCTX);
    expect(plan.findings.map((f) => [f.kind, f.pr])).toEqual([['lost_close', 3]]);
    expect(plan.events).toEqual([
      { kind: 'pr_closed', pull: { ...pull(3), state: 'closed' } },
      { kind: 'tick' },
    ]);
    const applied = pass(sim, plan);
    expect(only(applied.actions, 'destroy').map((a) => a.pr)).toEqual([3]);
    sim.finish(3);
    expect(sim.env(3).phase).toBe('absent');
    expect(reconcile(input(sim, [pull(4)]), RCTX).findings).toEqual([]);
  });

  it('leaves an env alone whose close the planner already handles', () => {
    const sim = new Sim();
    sim.live(3);
    sim.apply({ kind: 'pr_closed', pull: pull(3, { state: 'closed' }) });
    expect(sim.env(3).phase).toBe('destroying');
    expect(reconcile(input(sim, []), RCTX).findings).toEqual([]);
  });

  it('destroys the env of a PR that became a draft', () => {
    const sim = new Sim();
    sim.live(5);
    const plan = reconcile(input(sim, [pull(5, { draft: true })]), RCTX);
    expect(plan.findings.map((f) => f.kind)).toEqual(['lost_draft']);
    expect(kinds(pass(sim, plan).actions)).toContain('destroy');
  });

  it('redeploys the newest head SHA after a lost push', () => {
    const sim = new Sim();
    sim.live(6);
    const pushed = pull(6, { headSha: sha(6, 1) });
    const plan = reconcile(input(sim, [pushed]), RCTX);
    expect(plan.findings.map((f) => f.kind)).toEqual(['lost_push']);
    const redeploys = only(pass(sim, plan).actions, 'redeploy');
    expect(redeploys.map((a) => a.sha)).toEqual([sha(6, 1)]);
  });

  it('redeploys a live env whose Caddy route is gone, at the SHA it runs; unread routes are not judged', () => {
    const sim = new Sim();
    sim.live(6);
    sim.live(7);
    sim.apply({ kind: 'pr_opened', pull: pull(9) });
    const open = [pull(6), pull(7), pull(9)];
    const plan = reconcile(input(sim, open, { caddyRoutes: ['pr-7'] }), RCTX);
    expect(plan.findings.map((f) => [f.env, f.kind])).toEqual([['pr-6', 'lost_route']]);
    const redeploys = only(pass(sim, plan).actions, 'redeploy');
    expect(redeploys.map((a) => [a.pr, a.sha])).toEqual([[6, sha(6, 0)]]);
    expect(reconcile(input(sim, open), RCTX).findings).toEqual([]);
  });

  it('drops a route repair when the env moved on between reading and feeding (a push came in)', () => {
    const sim = new Sim();
    sim.live(6);
    const plan = reconcile(input(sim, [pull(6)], { caddyRoutes: [] }), RCTX);
    const [repair] = plan.findings[0]!.events;
    expect(routeRepairStillDue(sim.world, repair!)).toBe(true);
    sim.apply({ kind: 'pr_updated', pull: pull(6, { headSha: sha(6, 1) }) });
    expect(routeRepairStillDue(sim.world, repair!)).toBe(false);
  });

  it('refreshes a fork PR after a lost push without deploying the new code', () => {
    const sim = new Sim();
    const fork = pull(8, { fork: true });
    sim.apply({ kind: 'pr_opened', pull: fork });
    sim.apply(command(fork, 'deploy'));
    sim.finish(8);
    sim.finish(8);
    const plan = reconcile(input(sim, [{ ...fork, headSha: sha(8, 1) }]), RCTX);
    expect(plan.findings.map((f) => f.kind)).toEqual(['lost_push']);
    const applied = pass(sim, plan);
    expect(only(applied.actions, 'redeploy')).toEqual([]);
    expect(sim.env(8).pull.headSha).toBe(sha(8, 1));
    expect(reconcile(input(sim, [{ ...fork, headSha: sha(8, 1) }]), RCTX).findings).toEqual([]);
  });

  it.each([
    ['a draft', pull(1, { draft: true })],
    ['a fork', pull(1, { fork: true })],
  ])('does not start an env for %s', (_, open) => {
    const sim = new Sim();
    expect(reconcile(input(sim, [open]), RCTX).findings).toEqual([]);
  });

  it('respects a /destroy and an idle-TTL destroy', () => {
    const sim = new Sim({ ttlMs: HOUR });
    sim.live(1);
    sim.live(2);
    sim.apply(command(pull(1), 'destroy'));
    sim.finish(1);
    sim.advance(2 * HOUR);
    sim.apply({ kind: 'tick' });
    sim.finish(2);
    expect([sim.env(1).manualOverride?.reason, sim.env(2).manualOverride?.reason]).toEqual([
      'destroy_command',
      'idle_ttl',
    ]);
    expect(reconcile(input(sim, [pull(1), pull(2)]), RCTX).findings).toEqual([]);
  });

  it('starts an env for a reopened PR whose record still says closed', () => {
    const sim = new Sim();
    sim.live(4);
    sim.apply({ kind: 'pr_closed', pull: pull(4, { state: 'closed' }) });
    sim.finish(4);
    const plan = reconcile(input(sim, [pull(4)]), RCTX);
    expect(plan.findings.map((f) => f.kind)).toEqual(['lost_open']);
    expect(kinds(pass(sim, plan).actions)).toContain('provision');
  });
});

describe('reconcile: cap', () => {
  it('starts 15 of 20 open PRs without an env and queues 5, the cap holding after every event', () => {
    const sim = new Sim({ cap: 15 });
    const open = Array.from({ length: 20 }, (_, i) => pull(i + 1));
    const plan = reconcile(input(sim, open), RCTX);
    expect(plan.findings.map((f) => f.kind)).toEqual(Array(20).fill('lost_open'));
    const applied = pass(sim, plan);
    expect(only(applied.actions, 'provision').map((a) => a.pr)).toEqual(
      open.slice(0, 15).map((p) => p.number),
    );
    expect(only(applied.actions, 'enqueue').map((a) => [a.pr, a.position])).toEqual([
      [16, 1],
      [17, 2],
      [18, 3],
      [19, 4],
      [20, 5],
    ]);
    expect(reconcile(input(sim, open), RCTX).findings).toEqual([]);
  });

  it('throws when a step leaves more envs holding a slot than the cap', () => {
    const sim = new Sim({ cap: 3 });
    [1, 2, 3].forEach((n) => sim.live(n));
    const plan = reconcile(input(sim, [pull(1), pull(2), pull(3)]), RCTX);
    expect(() => applyReconcile(sim.world, plan, { ...sim.context, cap: 2 })).toThrow(
      CapExceededError,
    );
  });

  it('frees slots of lost closes before it starts lost opens', () => {
    const sim = new Sim({ cap: 3 });
    [1, 2, 3].forEach((n) => sim.live(n));
    const plan = reconcile(input(sim, [pull(3), pull(4), pull(5)]), RCTX);
    expect(plan.findings.map((f) => `${f.kind} ${f.pr}`)).toEqual([
      'lost_close 1',
      'lost_close 2',
      'lost_open 4',
      'lost_open 5',
    ]);
    pass(sim, plan);
    expect([4, 5].map((n) => sim.env(n).phase)).toEqual(['queued', 'queued']);
    sim.finish(1);
    sim.finish(2);
    expect([4, 5].map((n) => sim.env(n).phase)).toEqual(['provisioning', 'provisioning']);
  });
});

describe('reconcile: orphans', () => {
  it('lists a labelled server, a job and a state without a record, then destroys them', () => {
    const sim = new Sim();
    sim.live(2);
    const infra = {
      servers: [previewServer(2), previewServer(9), previewServer(11, 'other-project')],
      nomadJobs: [previewJob(9), previewJob(12, 'other-project')],
      terraformStates: [2, 9],
    };
    const plan = reconcile(input(sim, [pull(2)], infra), RCTX);
    expect(plan.findings).toEqual([
      {
        kind: 'orphan',
        pr: 9,
        env: 'pr-9',
        reason:
          'server pr-9-aipacto-client-1, Nomad job aipacto-pr-9-web, a Terraform state left for PR #9, which has no environment',
        events: [],
        cleanup: [plan.cleanups[0]],
      },
    ]);
    expect(plan.cleanups).toEqual([
      {
        kind: 'destroy_orphan',
        pr: 9,
        what: ['server', 'nomad_job', 'terraform_state'],
        servers: ['pr-9-aipacto-client-1'],
        nomadJobs: ['aipacto-pr-9-web'],
      },
    ]);
    const applied = pass(sim, plan);
    expect(applied.actions.filter((a) => a.pr === 9)).toEqual([]);
    expect(sim.world.envs[9]).toBeUndefined();
    const afterCleanup = { servers: [previewServer(2)], nomadJobs: [], terraformStates: [2] };
    expect(reconcile(input(sim, [pull(2)], afterCleanup), RCTX).findings).toEqual([]);
  });

  it('treats leftovers of an absent record as orphans, and ignores production servers', () => {
    const sim = new Sim();
    sim.live(4);
    sim.apply({ kind: 'pr_closed', pull: pull(4, { state: 'closed' }) });
    sim.finish(4);
    const production = {
      name: 'aipacto-production-server-1',
      labels: { project: 'aipacto', environment: 'production', pr: 'none' },
    };
    const plan = reconcile(input(sim, [], { servers: [production, previewServer(4)] }), RCTX);
    expect(plan.cleanups.map((c) => [c.pr, c.what])).toEqual([[4, ['server']]]);
  });

  it('cleans up first when an orphaned PR is also wanted again', () => {
    const sim = new Sim();
    const plan = reconcile(input(sim, [pull(7)], { terraformStates: [7] }), RCTX);
    expect(plan.findings.map((f) => f.kind)).toEqual(['orphan', 'lost_open']);
    expect(plan.cleanups.map((c) => c.pr)).toEqual([7]);
    expect(plan.events.map((e) => e.kind)).toEqual(['pr_opened', 'tick']);
  });
});

describe('reconcile: stuck runs and the tick', () => {
  it.each([
    [HOUR - 1, []],
    [HOUR, ['stuck_run']],
  ])('a run in flight for %i ms gives %j', (elapsed, expected) => {
    const sim = new Sim();
    sim.apply({ kind: 'pr_opened', pull: pull(1) });
    sim.advance(elapsed);
    expect(reconcile(input(sim, [pull(1)]), RCTX).findings.map((f) => f.kind)).toEqual(expected);
  });

  it('fails a stuck run so the planner retries it', () => {
    const sim = new Sim();
    sim.apply({ kind: 'pr_opened', pull: pull(1) });
    const runId = sim.env(1).run!.id;
    sim.advance(2 * HOUR);
    const plan = reconcile(input(sim, [pull(1)]), RCTX);
    expect(plan.events[0]).toEqual({
      kind: 'run_finished',
      pr: 1,
      runId,
      outcome: 'failed',
      error: 'no result for the provision run after 2h 00m; the reconciler marked it failed',
    });
    pass(sim, plan);
    expect(sim.env(1).phase).toBe('failed');
    sim.advance(sim.env(1).failure!.nextRetryAt! - sim.now);
    sim.apply({ kind: 'tick' });
    expect(sim.env(1).phase).toBe('provisioning');
  });

  it('fails a stuck destroy of a closed PR instead of replacing it', () => {
    const sim = new Sim();
    sim.live(1);
    sim.apply({ kind: 'pr_closed', pull: pull(1, { state: 'closed' }) });
    sim.advance(2 * HOUR);
    const plan = reconcile(input(sim, []), RCTX);
    expect(plan.findings.map((f) => f.kind)).toEqual(['stuck_run']);
    pass(sim, plan);
    expect(sim.env(1).failure?.stage).toBe('destroy');
  });

  it('ends every plan with one tick, which destroys idle envs', () => {
    const sim = new Sim({ ttlMs: 72 * HOUR });
    sim.live(1);
    sim.advance(72 * HOUR);
    const plan = reconcile(input(sim, [pull(1)]), RCTX);
    expect(plan.findings).toEqual([]);
    expect(plan.events).toEqual([{ kind: 'tick' }]);
    const applied = pass(sim, plan);
    expect(only(applied.actions, 'destroy').map((a) => a.pr)).toEqual([1]);
    expect(sim.env(1).manualOverride?.reason).toBe('idle_ttl');
  });

  it('does not modify the world it is given', () => {
    const sim = new Sim();
    sim.live(1);
    const before = structuredClone(sim.world);
    const plan = reconcile(input(sim, []), RCTX);
    applyReconcile(sim.world, plan, sim.context);
    expect(sim.world).toEqual(before);
  });
});
