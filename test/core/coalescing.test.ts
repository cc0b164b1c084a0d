import { describe, expect, it } from 'vitest';
import type { Action, RunAction } from '../../bot/core/actions.js';
import type { WorkQueue } from '../../bot/core/workqueue.js';
import { complete, emptyWorkQueue, isIdle, submit, takeReady } from '../../bot/core/workqueue.js';
import { pull, Sim, sha } from './fixtures.js';

/** Planner plus the pure work queue: what an executor following both would run. */
class Executor {
  queue: WorkQueue = emptyWorkQueue();
  started: RunAction[] = [];
  aborted: string[] = [];
  running = new Map<number, RunAction>();

  constructor(readonly sim: Sim) {}

  feed(actions: Action[]) {
    const submitted = submit(this.queue, actions);
    this.aborted.push(...submitted.abort);
    const ready = takeReady(submitted.queue);
    this.queue = ready.queue;
    for (const run of ready.start) {
      this.started.push(run);
      this.running.set(run.pr, run);
    }
  }

  event(e: Parameters<Sim['apply']>[0]) {
    this.feed(this.sim.apply(e));
  }

  /** The run executing for `pr` ends (aborted runs report `cancelled`). */
  end(pr: number) {
    const run = this.running.get(pr)!;
    this.running.delete(pr);
    const outcome = this.aborted.includes(run.runId) ? 'cancelled' : 'succeeded';
    this.queue = complete(this.queue, pr, run.runId);
    this.event({ kind: 'run_finished', pr, runId: run.runId, outcome });
  }
}

const shaOf = (r: RunAction) => ('sha' in r ? r.sha : null);

describe('coalescing pushes', () => {
  it('five pushes within a second deploy only the newest SHA after the run in flight', () => {
    const sim = new Sim();
    const ex = new Executor(sim);
    ex.event({ kind: 'pr_opened', pull: pull(1) });
    ex.end(1); // provisioned; deploy of sha 0 is now in flight
    expect(ex.running.get(1)).toMatchObject({ kind: 'deploy', sha: sha(1, 0) });
    for (let n = 1; n <= 5; n++) {
      sim.advance(200);
      ex.event({ kind: 'pr_updated', pull: pull(1, { headSha: sha(1, n) }) });
    }
    expect(ex.running.get(1)).toMatchObject({ kind: 'deploy', sha: sha(1, 0) });
    expect(ex.aborted).toEqual([ex.started[1]!.runId]);
    ex.end(1); // the superseded run stops
    ex.end(1); // the newest SHA deploys
    expect(ex.started.map((r) => [r.kind, shaOf(r)])).toEqual([
      ['provision', null],
      ['deploy', sha(1, 0)],
      ['deploy', sha(1, 5)],
    ]);
    expect(sim.env(1)).toMatchObject({ phase: 'live', deployedSha: sha(1, 5) });
    expect(isIdle(ex.queue)).toBe(true);
  });

  it('a burst on a live env redeploys the first push, then only the newest', () => {
    const sim = new Sim();
    const ex = new Executor(sim);
    ex.event({ kind: 'pr_opened', pull: pull(1) });
    ex.end(1);
    ex.end(1);
    for (let n = 1; n <= 5; n++)
      ex.event({ kind: 'pr_updated', pull: pull(1, { headSha: sha(1, n) }) });
    ex.end(1);
    ex.end(1);
    expect(ex.started.slice(2).map((r) => [r.kind, shaOf(r)])).toEqual([
      ['redeploy', sha(1, 1)],
      ['redeploy', sha(1, 5)],
    ]);
    expect(sim.env(1).deployedSha).toBe(sha(1, 5));
  });

  it('pushes while provisioning deploy only the newest SHA', () => {
    const sim = new Sim();
    const ex = new Executor(sim);
    ex.event({ kind: 'pr_opened', pull: pull(1) });
    for (let n = 1; n <= 5; n++)
      ex.event({ kind: 'pr_updated', pull: pull(1, { headSha: sha(1, n) }) });
    ex.end(1);
    ex.end(1);
    expect(ex.started.map((r) => [r.kind, shaOf(r)])).toEqual([
      ['provision', null],
      ['deploy', sha(1, 5)],
    ]);
  });
});

describe('work queue', () => {
  const deploy = (pr: number, runId: string): RunAction => ({
    kind: 'deploy',
    pr,
    runId,
    sha: 'x',
  });

  it('runs one run per PR at a time, PRs in parallel', () => {
    let q = submit(emptyWorkQueue(), [deploy(1, 'a'), deploy(2, 'b')]).queue;
    const ready = takeReady(q);
    expect(ready.start.map((r) => r.runId)).toEqual(['a', 'b']);
    q = submit(ready.queue, [deploy(1, 'c')]).queue;
    expect(takeReady(q).start).toEqual([]);
    q = complete(q, 1, 'a');
    expect(takeReady(q).start.map((r) => r.runId)).toEqual(['c']);
  });

  it('a newer run replaces the pending one; cancel drops pending and aborts running', () => {
    let q = takeReady(submit(emptyWorkQueue(), [deploy(1, 'a')]).queue).queue;
    const r1 = submit(q, [deploy(1, 'b')]);
    const r2 = submit(r1.queue, [{ kind: 'cancel_run', pr: 1, runId: 'b' }, deploy(1, 'c')]);
    expect(r2.dropped.map((r) => r.runId)).toEqual(['b']);
    const r3 = submit(r2.queue, [{ kind: 'cancel_run', pr: 1, runId: 'a' }]);
    expect(r3.abort).toEqual(['a']);
    expect(submit(r3.queue, [{ kind: 'cancel_run', pr: 1, runId: 'a' }]).abort).toEqual([]);
    q = complete(r3.queue, 1, 'a');
    expect(takeReady(q).start.map((r) => r.runId)).toEqual(['c']);
  });

  it('ignores completion of a run that is not running and leaves inputs untouched', () => {
    const q = takeReady(submit(emptyWorkQueue(), [deploy(1, 'a')]).queue).queue;
    const copy = structuredClone(q);
    expect(complete(q, 1, 'zzz')).toEqual(q);
    complete(q, 1, 'a');
    expect(q).toEqual(copy);
  });
});
