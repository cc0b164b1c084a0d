import type { DomainEvent } from '../core/events.js';
import type { Delivery } from '../adapters/store/state-store.js';

/**
 * The due deliveries of `queued` (oldest first) the engine takes next, at most `size`, keeping
 * each PR's commands in the order received: a delivery waiting for its next attempt (after
 * `now`, epoch ms) holds back the later commands of its PR and nothing else. `due`: the
 * earliest next attempt among the waiting ones (Infinity: none). Deliveries of a PR in `busy`
 * (its run is a prenv command's) all stay queued.
 */
export function selectBatch(
  queued: readonly Delivery[],
  size: number,
  now: number,
  busy: Pick<ReadonlySet<number>, 'has'> = new Set(),
): { batch: Delivery[]; due: number } {
  const waiting = new Set<number>();
  const batch: Delivery[] = [];
  let due = Infinity;
  for (const delivery of queued) {
    const pr = prOf(delivery.payload as DomainEvent);
    if (pr !== null && busy.has(pr)) continue;
    if (heldBehind(delivery.payload as DomainEvent, waiting)) continue;
    const at = delivery.nextAttemptAt ?? 0;
    if (at > now) {
      if (pr !== null) waiting.add(pr);
      due = Math.min(due, at);
      continue;
    }
    batch.push(delivery);
    if (batch.length === size) break;
  }
  return { batch, due };
}

/**
 * Whether a command must wait: an earlier delivery of its PR waits to be tried again. Commands
 * carry no order of their own; a PR event carries GitHub's `updated_at` and is ordered by it
 * (`judgeFact`), so a close never waits behind a failing command.
 */
export function heldBehind(event: DomainEvent, waitingPrs: ReadonlySet<number>): boolean {
  return event.kind === 'comment_command' && waitingPrs.has(event.pr);
}

/** The PR a queued event is about; null for events about none. */
export function prOf(event: DomainEvent): number | null {
  if (event.kind === 'comment_command') return event.pr;
  return 'pull' in event ? event.pull.number : null;
}
