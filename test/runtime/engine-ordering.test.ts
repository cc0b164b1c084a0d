import { describe, expect, it } from 'vitest';
import type { PullRequestRef } from '../../bot/core/model.js';
import type { PullRequestDetails } from '../../bot/adapters/github/github-port.js';
import { sha } from '../core/fixtures.js';
import { createHarness, pull, type Harness } from './harness.js';

const T = (s: number) => new Date(Date.UTC(2025, 0, 15, 12, 0, s)).toISOString();
const A = sha(7, 0);
const B = sha(7, 1);
const C = sha(7, 2);

function fact(at: number, extra: Partial<PullRequestRef> = {}): PullRequestRef {
  return pull(7, A, { updatedAt: T(at), ...extra });
}

/** What GitHub answers for PR 7 from now on. */
function onGitHub(h: Harness, p: PullRequestRef): void {
  const { updatedAt, headSince: _unused, ...rest } = p;
  const details: PullRequestDetails = { ...rest, ...(updatedAt ? { updatedAt } : {}) };
  h.github.pulls.set(p.number, details);
}

const provisions = (h: Harness) => h.ops.calls.filter((c) => c.op === 'provision').length;
const deploys = (h: Harness) =>
  h.ops.calls.filter((c) => c.op === 'deploy').map((c) => c.sha?.slice(0, 7));

describe('engine: late or out-of-order deliveries never override newer facts', () => {
  it('a synchronize delayed past the merge does not bring the environment back', async () => {
    const h = createHarness();
    await h.deliver('open', { kind: 'pr_opened', pull: fact(10) });
    await h.engine.idle();
    const merged = fact(30, { state: 'closed', merged: true });
    onGitHub(h, merged);
    await h.deliver('close', { kind: 'pr_closed', pull: merged });
    await h.engine.idle();
    const before = { provisions: provisions(h), deployments: h.github.deployments.length };
    await h.deliver('late-push', { kind: 'pr_updated', pull: fact(20, { headSha: B }) });
    await h.engine.idle();
    expect((await h.world()).envs[7]).toMatchObject({ phase: 'absent', pull: { state: 'closed' } });
    expect(provisions(h)).toBe(before.provisions);
    expect(h.github.deployments.length).toBe(before.deployments);
    expect(h.ops.servers.has(7)).toBe(false);
    expect(h.github.sticky(7)?.body).not.toContain('live');
    await h.engine.stop();
  });

  it('an open delayed past the close does not create the environment', async () => {
    const h = createHarness();
    await h.deliver('close', { kind: 'pr_closed', pull: fact(30, { state: 'closed' }) });
    await h.deliver('late-open', { kind: 'pr_opened', pull: fact(10) });
    await h.engine.idle();
    expect(provisions(h)).toBe(0);
    expect(h.github.comments).toEqual([]);
    await h.engine.stop();
  });

  it('an older synchronize does not roll the head back', async () => {
    const h = createHarness();
    await h.deliver('open', { kind: 'pr_opened', pull: fact(10) });
    await h.deliver('push-c', { kind: 'pr_updated', pull: fact(30, { headSha: C }) });
    await h.engine.idle();
    await h.deliver('late-push-b', { kind: 'pr_updated', pull: fact(20, { headSha: B }) });
    await h.engine.idle();
    expect((await h.world()).envs[7]).toMatchObject({ phase: 'live', deployedSha: C });
    expect(deploys(h)).not.toContain(B.slice(0, 7));
    await h.engine.stop();
  });

  it('asks GitHub when the order cannot be told, and acts on what GitHub says', async () => {
    const h = createHarness();
    await h.deliver('open', { kind: 'pr_opened', pull: fact(10) });
    await h.engine.idle();
    // Two pushes in the same second: GitHub says C is the head.
    onGitHub(h, fact(10, { headSha: C }));
    await h.deliver('push-b', { kind: 'pr_updated', pull: fact(10, { headSha: B }) });
    await h.engine.idle();
    expect((await h.world()).envs[7]).toMatchObject({ phase: 'live', deployedSha: C });
    expect(deploys(h)).not.toContain(B.slice(0, 7));
    await h.engine.stop();
  });

  it('asks GitHub about a push to a PR it never saw, and leaves a closed one alone', async () => {
    const h = createHarness();
    onGitHub(h, fact(40, { state: 'closed' }));
    await h.deliver('push', { kind: 'pr_updated', pull: fact(20, { headSha: B }) });
    await h.engine.idle();
    expect(provisions(h)).toBe(0);
    await h.engine.stop();
  });
});

describe('engine: a fork approval races a push', () => {
  const forkFact = (at: number, head = A) => fact(at, { fork: true, headSha: head });

  it('deploys nothing when the fork pushed after the /deploy was written, and says so', async () => {
    const h = createHarness();
    h.github.permissions.set('maintainer', 'maintain');
    await h.deliver('open', { kind: 'pr_opened', pull: forkFact(10) });
    await h.engine.idle();
    // The maintainer reviews A and comments at :20; the fork pushes B at :21, before the worker
    // gets to the comment (its synchronize is still on the way).
    onGitHub(h, forkFact(21, B));
    await h.deliver('comment', {
      kind: 'comment_command',
      pr: 7,
      commentId: 77,
      actor: 'maintainer',
      command: { kind: 'command', name: 'deploy', line: 1 },
      writtenAt: T(20),
    });
    await h.engine.idle();
    expect(provisions(h)).toBe(0);
    expect(h.github.reactions).toContainEqual({ commentId: 77, content: '-1' });
    const replies = h.github.comments.filter((c) => !c.body.includes('prenv:sticky'));
    expect(replies.at(-1)?.body).toContain(`/deploy ${B.slice(0, 7)}`);

    // The maintainer reviews B and names it: B, and only B, is deployed.
    await h.deliver('comment-2', {
      kind: 'comment_command',
      pr: 7,
      commentId: 78,
      actor: 'maintainer',
      command: { kind: 'command', name: 'deploy', line: 1, sha: B.slice(0, 7) },
      writtenAt: T(30),
    });
    await h.engine.idle();
    expect(deploys(h)).toEqual([B.slice(0, 7)]);
    await h.engine.stop();
  });
});
