import { describe, expect, it } from 'vitest';
import type { PullRequestRef } from '../../bot/core/model.js';
import {
  eventFromCurrent,
  judgeFact,
  mergePull,
  type PullEvent,
} from '../../bot/core/pull-facts.js';
import { pull, sha } from './fixtures.js';

const T = (s: number) => new Date(Date.UTC(2025, 0, 15, 12, 0, s)).toISOString();
const A = sha(7, 0);
const B = sha(7, 1);

function fact(at: number, extra: Partial<PullRequestRef> = {}): PullRequestRef {
  return pull(7, { headSha: A, updatedAt: T(at), ...extra });
}

describe('judgeFact: a late or out-of-order delivery never overrides a newer fact', () => {
  const closed = fact(30, { state: 'closed', merged: true });
  it.each<[string, PullRequestRef | undefined, PullEvent, string]>([
    [
      'a push delayed past the merge',
      closed,
      { kind: 'pr_updated', pull: fact(20, { headSha: B }) },
      'stale',
    ],
    ['an open delayed past the close', closed, { kind: 'pr_opened', pull: fact(10) }, 'stale'],
    [
      'an older push (head roll-back)',
      fact(30, { headSha: B }),
      { kind: 'pr_updated', pull: fact(20) },
      'stale',
    ],
    [
      'a close delayed past a reopen',
      fact(40),
      { kind: 'pr_closed', pull: fact(30, { state: 'closed' }) },
      'stale',
    ],
    [
      'a draft delayed past ready',
      fact(40),
      { kind: 'pr_drafted', pull: fact(30, { draft: true }) },
      'stale',
    ],
    ['a newer push', fact(10), { kind: 'pr_updated', pull: fact(20, { headSha: B }) }, 'apply'],
    [
      'a newer close',
      fact(10),
      { kind: 'pr_closed', pull: fact(20, { state: 'closed' }) },
      'apply',
    ],
    ['a newer reopen', closed, { kind: 'pr_opened', pull: fact(40) }, 'apply'],
    ['an older fact that agrees', fact(30), { kind: 'pr_updated', pull: fact(20) }, 'apply'],
    [
      'a push in the same second',
      fact(10),
      { kind: 'pr_updated', pull: fact(10, { headSha: B }) },
      'verify',
    ],
    [
      'a reopen in the same second as the close',
      closed,
      { kind: 'pr_opened', pull: fact(30) },
      'verify',
    ],
    [
      'a push when the known fact has no time',
      pull(7, { headSha: A }),
      { kind: 'pr_updated', pull: fact(20, { headSha: B }) },
      'verify',
    ],
    ['a push to a PR never seen', undefined, { kind: 'pr_updated', pull: fact(20) }, 'verify'],
    ['an open of a PR never seen', undefined, { kind: 'pr_opened', pull: fact(20) }, 'apply'],
    [
      'a delivery without a time',
      closed,
      { kind: 'pr_updated', pull: pull(7, { headSha: B }) },
      'apply',
    ],
  ])('%s → %s', (_label, known, event, verdict) => {
    expect(judgeFact(known, event).verdict).toBe(verdict);
  });
});

describe('eventFromCurrent: a verified delivery takes GitHub’s current facts', () => {
  const push: PullEvent = { kind: 'pr_updated', pull: fact(20, { headSha: B }) };
  it.each<[string, PullRequestRef | undefined, PullRequestRef, PullEvent['kind'] | null]>([
    ['closed on GitHub', fact(10), fact(40, { state: 'closed' }), 'pr_closed'],
    ['a draft on GitHub', fact(10), fact(40, { draft: true }), 'pr_drafted'],
    ['open on GitHub', fact(10), fact(40, { headSha: B }), 'pr_updated'],
  ])('%s → %s', (_label, known, current, kind) => {
    expect(eventFromCurrent(push, known, current)?.kind ?? null).toBe(kind);
  });

  it('drops a close that GitHub contradicts when the PR is known open', () => {
    const close: PullEvent = { kind: 'pr_closed', pull: fact(10, { state: 'closed' }) };
    expect(eventFromCurrent(close, fact(10), fact(40))).toBeNull();
    expect(eventFromCurrent(close, fact(10, { state: 'closed' }), fact(40))?.kind).toBe(
      'pr_opened',
    );
  });
});

describe('mergePull keeps the latest time and when the head was first seen', () => {
  it('carries headSince while the head stays, resets it when the head moves', () => {
    const first = mergePull(undefined, fact(10));
    expect(first).toMatchObject({ updatedAt: T(10), headSince: T(10) });
    const same = mergePull(first, fact(50));
    expect(same).toMatchObject({ updatedAt: T(50), headSince: T(10) });
    const moved = mergePull(same, fact(60, { headSha: B }));
    expect(moved).toMatchObject({ updatedAt: T(60), headSince: T(60) });
  });

  it('never moves updatedAt back in time', () => {
    expect(mergePull(fact(50), fact(20)).updatedAt).toBe(T(50));
  });

  it('leaves headSince unknown when no fact about the head has a time', () => {
    expect(mergePull(fact(10), pull(7, { headSha: B })).headSince).toBeUndefined();
  });
});
