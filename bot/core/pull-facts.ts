/**
 * Ordering of facts about one pull request. GitHub does not deliver webhooks in order, so a
 * delivery is compared with what the world already knows of the PR before it is planned: by
 * `pull_request.updated_at` when both carry it, and by its content (state, draft, head).
 */
import type { DomainEvent } from './events.js';
import type { PullRequestRef } from './model.js';

export type PullEvent = Extract<DomainEvent, { pull: PullRequestRef }>;

/**
 * - `apply`: plan the delivery as it is;
 * - `stale`: an older fact that contradicts a newer one: drop it;
 * - `verify`: order unknown and it contradicts the world: ask GitHub for the PR as it is now.
 */
export type FactVerdict = { verdict: 'apply' | 'stale' | 'verify'; reason: string };

/** Milliseconds of a GitHub timestamp; undefined when absent or unreadable. */
export function timeOf(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * How `event` relates to `known` (the PR as the world has it; undefined if never seen). A fact
 * that restates what is known is applied whatever its age (it changes no state, and lets the
 * planner act on a head it learnt elsewhere). A contradicting fact is applied if newer, dropped
 * if older, and verified with GitHub when the order cannot be told (same second, or a side with
 * no time). A push to a PR never seen is verified too: its open may have been lost, or the PR
 * closed since. Deliveries without a time (queued before times were kept) are applied.
 */
export function judgeFact(known: PullRequestRef | undefined, event: PullEvent): FactVerdict {
  const incoming = event.pull;
  if (incoming.updatedAt === undefined) return { verdict: 'apply', reason: 'no time to order by' };
  if (!known)
    return event.kind === 'pr_updated'
      ? { verdict: 'verify', reason: 'a push to a pull request never seen' }
      : { verdict: 'apply', reason: 'first fact about this pull request' };
  const change = difference(known, incoming);
  if (change === null) return { verdict: 'apply', reason: 'agrees with what is known' };
  const a = timeOf(known.updatedAt);
  const b = timeOf(incoming.updatedAt);
  if (a !== undefined && b !== undefined && b > a)
    return { verdict: 'apply', reason: `newer (${incoming.updatedAt}): ${change}` };
  if (a !== undefined && b !== undefined && b < a)
    return {
      verdict: 'stale',
      reason: `older (${incoming.updatedAt}) than what is known (${known.updatedAt}): ${change}`,
    };
  return { verdict: 'verify', reason: `order unknown: ${change}` };
}

function difference(known: PullRequestRef, incoming: PullRequestRef): string | null {
  if (known.state !== incoming.state) return `${known.state} → ${incoming.state}`;
  if (known.draft !== incoming.draft) return incoming.draft ? 'ready → draft' : 'draft → ready';
  if (known.headSha !== incoming.headSha)
    return `head ${known.headSha.slice(0, 7)} → ${incoming.headSha.slice(0, 7)}`;
  return null;
}

/**
 * The event to plan instead of a delivery that had to be verified, from `current` (the PR as
 * GitHub has it now): closed and draft PRs say so whatever was delivered; an open PR keeps the
 * delivered kind; a delivered close or draft that GitHub contradicts is dropped (null) when the
 * world already has the PR open and ready, and becomes an open otherwise.
 */
export function eventFromCurrent(
  event: PullEvent,
  known: PullRequestRef | undefined,
  current: PullRequestRef,
): PullEvent | null {
  if (current.state === 'closed') return { kind: 'pr_closed', pull: current };
  if (current.draft) return { kind: 'pr_drafted', pull: current };
  if (event.kind === 'pr_opened' || event.kind === 'pr_updated')
    return { kind: event.kind, pull: current };
  return known && known.state === 'open' && !known.draft
    ? null
    : { kind: 'pr_opened', pull: current };
}

/**
 * The PR record after a fact: the fact's fields, the latest `updatedAt` seen, and `headSince`
 * carried over while the head stays the same commit (reset to the fact's own time when it moves).
 */
export function mergePull(
  known: PullRequestRef | undefined,
  incoming: PullRequestRef,
): PullRequestRef {
  const merged: PullRequestRef = { ...incoming };
  const updatedAt = latest(known?.updatedAt, incoming.updatedAt);
  const ownSince = incoming.headSince ?? incoming.updatedAt;
  const headSince =
    known && known.headSha === incoming.headSha
      ? earliest(known.headSince ?? known.updatedAt, ownSince)
      : ownSince;
  if (updatedAt === undefined) delete merged.updatedAt;
  else merged.updatedAt = updatedAt;
  if (headSince === undefined) delete merged.headSince;
  else merged.headSince = headSince;
  return merged;
}

function latest(a: string | undefined, b: string | undefined): string | undefined {
  const [ta, tb] = [timeOf(a), timeOf(b)];
  if (ta === undefined) return tb === undefined ? undefined : b;
  if (tb === undefined) return a;
  return tb > ta ? b : a;
}

function earliest(a: string | undefined, b: string | undefined): string | undefined {
  const [ta, tb] = [timeOf(a), timeOf(b)];
  if (ta === undefined) return tb === undefined ? undefined : b;
  if (tb === undefined) return a;
  return tb < ta ? b : a;
}
