import { describe, expect, it } from 'vitest';
import type { CommandEvent } from '../../bot/core/actions.js';
import type { PullRequestRef } from '../../bot/core/model.js';
import { command, kinds, only, pull, sha, Sim } from './fixtures.js';

const T = (s: number) => new Date(Date.UTC(2025, 0, 15, 12, 0, s)).toISOString();
const A = sha(5, 0);
const B = sha(5, 1);

function fork(extra: Partial<PullRequestRef> = {}): PullRequestRef {
  return pull(5, { fork: true, headSha: A, updatedAt: T(10), ...extra });
}

/** A maintainer's comment written at `at`, completed with the PR as GitHub has it when handled. */
function deploy(
  current: PullRequestRef,
  at: number,
  body: 'deploy' | 'redeploy' = 'deploy',
  named?: string,
): CommandEvent {
  const event = command(current, body, 'maintain');
  return {
    ...event,
    writtenAt: T(at),
    command: { kind: 'command', name: body, line: 1, ...(named ? { sha: named } : {}) },
  };
}

function opened(sim: Sim) {
  sim.apply({ kind: 'pr_opened', pull: fork() });
}

describe('a fork approval covers the head when the comment was written, nothing pushed after', () => {
  it('deploys the head the bot saw before the comment', () => {
    const sim = new Sim();
    opened(sim);
    const actions = sim.apply(deploy(fork({ updatedAt: T(30) }), 20));
    expect(only(actions, 'provision')).toHaveLength(1);
    expect(sim.env(5).approvedSha).toBe(A);
  });

  it('deploys nothing when the head moved after the comment, and says how to approve it', () => {
    const sim = new Sim();
    opened(sim);
    const moved = fork({ headSha: B, updatedAt: T(25) });
    const actions = sim.apply(deploy(moved, 20));
    expect(kinds(actions)).toEqual(['react', 'reply']);
    expect(only(actions, 'react')[0]?.reaction).toBe('-1');
    const reply = only(actions, 'reply')[0]!;
    expect(reply.reason).toBe('head_moved');
    expect(reply.body).toContain('Nothing was deployed');
    expect(reply.body).toContain(`/deploy ${B.slice(0, 7)}`);
    expect(sim.env(5).approvedSha).toBeNull();
  });

  it('deploys nothing when the push came in the same second as the comment', () => {
    const sim = new Sim();
    opened(sim);
    sim.apply({ kind: 'pr_updated', pull: fork({ headSha: B, updatedAt: T(20) }) });
    expect(
      only(sim.apply(deploy(fork({ headSha: B, updatedAt: T(20) }), 20)), 'provision'),
    ).toEqual([]);
  });

  it('deploys nothing when the bot never saw the head before the comment', () => {
    const sim = new Sim();
    const actions = sim.apply(deploy(fork({ headSha: B, updatedAt: T(25) }), 20));
    expect(only(actions, 'reply')[0]?.reason).toBe('head_moved');
  });

  it('deploys the commit a /deploy <sha> names when it is the head', () => {
    const sim = new Sim();
    opened(sim);
    const moved = fork({ headSha: B, updatedAt: T(25) });
    const actions = sim.apply(deploy(moved, 20, 'deploy', B.slice(0, 7)));
    expect(only(actions, 'provision')).toHaveLength(1);
    expect(sim.env(5).approvedSha).toBe(B);
  });

  it('deploys nothing when /deploy <sha> names another commit than the head', () => {
    const sim = new Sim();
    opened(sim);
    const moved = fork({ headSha: B, updatedAt: T(25) });
    const actions = sim.apply(deploy(moved, 40, 'deploy', A.slice(0, 7)));
    expect(only(actions, 'provision')).toEqual([]);
    expect(only(actions, 'reply')[0]?.body).toContain('not the head');
  });

  it('does not deploy later pushes to an approved fork without a new approval', () => {
    const sim = new Sim();
    opened(sim);
    sim.apply(deploy(fork({ updatedAt: T(30) }), 20));
    sim.finish(5);
    sim.finish(5);
    expect(sim.env(5)).toMatchObject({ phase: 'live', deployedSha: A });
    const push = sim.apply({ kind: 'pr_updated', pull: fork({ headSha: B, updatedAt: T(40) }) });
    expect(only(push, 'redeploy')).toEqual([]);
    expect(sim.env(5)).toMatchObject({ desiredSha: A, approvedSha: A });
    const stale = sim.apply(deploy(fork({ headSha: B, updatedAt: T(45) }), 35, 'redeploy'));
    expect(only(stale, 'redeploy')).toEqual([]);
    const fresh = sim.apply(deploy(fork({ headSha: B, updatedAt: T(60) }), 50, 'redeploy'));
    expect(only(fresh, 'redeploy')).toHaveLength(1);
    expect(sim.env(5).approvedSha).toBe(B);
  });

  it('leaves same-repository PRs to deploy their head without a time check', () => {
    const sim = new Sim();
    const own = pull(6, { headSha: B, updatedAt: T(25) });
    expect(only(sim.apply({ ...deploy(own, 20), pull: own }), 'provision')).toHaveLength(1);
  });
});
