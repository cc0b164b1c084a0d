import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../bot/core/commands.js';
import type { DomainEvent } from '../../bot/core/events.js';
import { MemoryGitHub } from '../fakes/github/memory-github.js';
import { createHarness, pull, until } from './harness.js';

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const opened = (pr: number, s = 0): DomainEvent => ({
  kind: 'pr_opened',
  pull: pull(pr, `sha-${pr}-0`, { updatedAt: t(s) }),
});
const closed = (pr: number, s: number): DomainEvent => ({
  kind: 'pr_closed',
  pull: pull(pr, `sha-${pr}-0`, { state: 'closed', updatedAt: t(s) }),
});
const reopened = (pr: number, s: number): DomainEvent => ({
  kind: 'pr_opened',
  pull: pull(pr, `sha-${pr}-0`, { updatedAt: t(s) }),
});
const drafted = (pr: number, s: number): DomainEvent => ({
  kind: 'pr_drafted',
  pull: pull(pr, `sha-${pr}-0`, { draft: true, updatedAt: t(s) }),
});
const pushed = (pr: number, sha: string, s: number): DomainEvent => ({
  kind: 'pr_updated',
  pull: pull(pr, sha, { updatedAt: t(s) }),
});
const cmd = (pr: number, line: string, id: number): DomainEvent => ({
  kind: 'comment_command',
  pr,
  commentId: id,
  writtenAt: t(50),
  actor: 'maint',
  command: parseCommand(line)!,
});

function gh() {
  const g = new MemoryGitHub();
  g.permissions.set('maint', 'write');
  return g;
}

describe('engine: stops, reopens and pushes in any order reach the right end', () => {
  it('an open and its close in one batch: no server', async () => {
    const h = createHarness();
    await h.deliver('o1', opened(1));
    await h.deliver('c1', closed(1, 5));
    await h.engine.idle();
    expect(h.ops.calls.filter((c) => c.op === 'provision')).toEqual([]);
    expect((await h.world()).envs[1]?.phase ?? 'absent').toBe('absent');
    await h.engine.stop();
  });

  it.each(['destroy', 'draft'])('%s queued behind a promotion: no server', async (what) => {
    const github = gh();
    for (const pr of [1, 2])
      github.pulls.set(pr, { ...pull(pr, `sha-${pr}-0`), state: 'open', merged: false });
    const h = createHarness({ cap: 1, github });
    h.ops.hold('provision');
    await h.deliver('o1', opened(1));
    await h.deliver('o2', opened(2));
    await h.engine.drain();
    await until(() => h.ops.running('provision').length === 1, 'pr 1 provisions');
    await h.deliver('x2', what === 'destroy' ? cmd(2, '/destroy', 9) : drafted(2, 5));
    h.ops.release('provision');
    await h.engine.idle();
    expect(h.ops.calls.filter((c) => c.op === 'provision').map((c) => c.pr)).toEqual([1]);
    await h.engine.stop();
  });

  it('reopen after close, both queued while live: ends live or queued', async () => {
    const h = createHarness();
    await h.deliver('o1', opened(1));
    await h.engine.idle();
    await h.deliver('c1', closed(1, 5));
    await h.deliver('r1', reopened(1, 6));
    await h.engine.idle();
    expect(['live', 'queued']).toContain((await h.world()).envs[1]?.phase);
    expect(h.ops.servers.size).toBe(1);
    await h.engine.stop();
  });

  it('reopen after close while provisioning: ends live', async () => {
    const h = createHarness();
    h.ops.hold('provision');
    await h.deliver('o1', opened(1));
    await h.engine.drain();
    await until(() => h.ops.running('provision').length === 1, 'provisions');
    await h.deliver('c1', closed(1, 5));
    await h.deliver('r1', reopened(1, 6));
    h.ops.release('provision');
    await h.engine.idle();
    expect((await h.world()).envs[1]?.phase).toBe('live');
    await h.engine.stop();
  });

  it('pushes during provisioning with a close behind them: no deploy, no server', async () => {
    const h = createHarness();
    h.ops.hold('provision');
    await h.deliver('o1', opened(1));
    await h.engine.drain();
    await until(() => h.ops.running('provision').length === 1, 'provisions');
    await h.deliver('p1', pushed(1, 'b', 2));
    await h.deliver('p2', pushed(1, 'c', 3));
    await h.deliver('c1', closed(1, 5));
    h.ops.release('provision');
    await h.engine.idle();
    expect(h.ops.calls.filter((c) => c.op === 'deploy' && c.outcome === 'done')).toEqual([]);
    expect(h.ops.servers.size).toBe(0);
    expect((await h.world()).envs[1]?.phase ?? 'absent').toBe('absent');
    await h.engine.stop();
  });

  it('a command that fails twice, then succeeds, is planned once', async () => {
    let fails = 2;
    const github = gh();
    github.pulls.set(1, { ...pull(1), state: 'open', merged: false });
    const orig = github.permissionOf.bind(github);
    github.permissionOf = async (u) => {
      if (fails-- > 0) throw new Error('boom');
      return orig(u);
    };
    const h = createHarness({ github, deliveryRetry: { baseMs: 5, maxMs: 20, maxAttempts: 3 } });
    await h.deliver('o1', opened(1));
    await h.engine.idle();
    await h.deliver('d1', cmd(1, '/destroy', 9));
    await h.engine.drain();
    await until(async () => (await h.store.pending()).length === 0, 'done');
    await h.engine.idle();
    expect(await h.store.deadLetters()).toEqual([]);
    expect(h.ops.calls.map((c) => c.op)).toEqual(['provision', 'deploy', 'destroy']);
    await h.engine.stop();
  });

  it('`retry` of an unknown or a processed delivery says so and requeues nothing', async () => {
    const h = createHarness();
    await h.deliver('o1', opened(1));
    await h.engine.idle();
    expect(await h.store.retry('nope')).toBe('unknown');
    expect(await h.store.retry('o1')).toBe('not_dead');
    expect(await h.store.pending()).toEqual([]);
    await h.engine.stop();
  });
});

describe('engine: a PR’s deliveries are planned in the order received', () => {
  it('a retried /destroy does not overtake a later /deploy', async () => {
    let fails = 1;
    const github = gh();
    github.pulls.set(1, { ...pull(1), state: 'open', merged: false });
    const orig = github.permissionOf.bind(github);
    github.permissionOf = async (u) => {
      if (fails-- > 0) throw new Error('boom');
      return orig(u);
    };
    const h = createHarness({ github, deliveryRetry: { baseMs: 50, maxMs: 50, maxAttempts: 3 } });
    await h.deliver('o1', opened(1));
    await h.engine.idle();
    await h.deliver('d1', cmd(1, '/destroy', 9));
    await h.deliver('d2', cmd(1, '/deploy', 10));
    await h.engine.drain();
    await until(async () => (await h.store.pending()).length === 0, 'done');
    await h.engine.idle();
    expect(h.ops.calls.map((c) => `${c.op}`)).toEqual([
      'provision',
      'deploy',
      'destroy',
      'provision',
      'deploy',
    ]);
    await h.engine.stop();
  });

  it('a failing command holds back its PR’s later commands until it is given up, never a close', async () => {
    const github = gh();
    github.pulls.set(1, { ...pull(1), state: 'open', merged: false });
    github.pulls.set(2, { ...pull(2), state: 'open', merged: false });
    const lookup = github.permissionOf.bind(github);
    github.permissionOf = async (actor) => {
      if (actor === 'locked-out')
        throw Object.assign(new Error('Resource not accessible by integration'), { status: 403 });
      return lookup(actor);
    };
    const h = createHarness({ github, deliveryRetry: { baseMs: 400, maxMs: 400, maxAttempts: 3 } });
    for (const pr of [1, 2]) await h.deliver(`o${pr}`, opened(pr));
    await h.engine.idle();
    await h.deliver('bad-1', { ...cmd(1, '/deploy', 8), actor: 'locked-out' } as DomainEvent);
    await h.deliver('close-1', closed(1, 5));
    await h.deliver('bad-2', { ...cmd(2, '/deploy', 9), actor: 'locked-out' } as DomainEvent);
    await h.deliver('destroy-2', cmd(2, '/destroy', 10));
    await h.engine.drain();
    await until(async () => (await h.world()).envs[1]?.phase === 'absent', 'pr 1 is destroyed');
    // The close went by; the /destroy written after the failing command waits for it.
    expect((await h.store.pending()).map((d) => d.id)).toEqual(['bad-1', 'bad-2', 'destroy-2']);
    expect((await h.world()).envs[2]?.phase).toBe('live');
    await until(async () => (await h.store.deadLetters()).length === 2, 'two dead letters');
    await until(async () => (await h.store.pending()).length === 0, 'the queue is empty');
    await h.engine.idle();
    expect((await h.world()).envs[2]?.phase ?? 'absent').toBe('absent');
    expect(h.ops.servers.size).toBe(0);
    await h.engine.stop();
  });

  it('a delivery a stopped process left waiting for its next attempt is planned when due', async () => {
    const failing = gh();
    failing.pulls.set(1, { ...pull(1), state: 'open', merged: false });
    failing.permissionOf = async () => {
      throw new Error('GitHub unreachable');
    };
    const retry = { baseMs: 100, maxMs: 100, maxAttempts: 5 };
    const first = createHarness({ github: failing, deliveryRetry: retry });
    await first.deliver('o1', opened(1));
    await first.engine.idle();
    await first.deliver('d1', cmd(1, '/destroy', 9));
    await first.engine.drain();
    await first.engine.stop();
    expect((await first.store.pending())[0]?.attempts).toBe(1);

    const github = gh();
    github.pulls.set(1, { ...pull(1), state: 'open', merged: false });
    const second = createHarness({ github, file: first.file, deliveryRetry: retry });
    await second.engine.start();
    await until(async () => (await second.store.pending()).length === 0, 'the retry is planned');
    await second.engine.idle();
    expect((await second.world()).envs[1]?.phase ?? 'absent').toBe('absent');
    await second.engine.stop();
  });
});
