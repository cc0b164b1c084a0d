/**
 * The shapes of a judged delivery, and the mark of an admitted one that could not be queued:
 * kept apart from `admitDelivery` so that the stores load none of its libraries.
 */
import type { DomainEvent, MapOptions } from '../../core/events.js';

/** What judging a delivery needs: the webhook secret, and how to map it (`MapOptions`). */
export interface AdmissionContext extends MapOptions {
  secret: string;
}

/** A delivery's event once mapped and worth queueing (never `ignored`). */
export type QueuedEvent = Exclude<DomainEvent, { kind: 'ignored' }>;

/**
 * What a signed request is worth. `unsigned`: `X-Hub-Signature-256` does not match the body
 * (answered 401); `malformed`: not a JSON object, or a field GitHub never sends (`field` names
 * it; 400); `ignored`: another repository, or an event or action prenv does not act on (202,
 * with the reason); `admitted`: to be queued.
 */
export type Admission =
  | { kind: 'unsigned' }
  | { kind: 'malformed'; message: string; field?: string }
  | { kind: 'ignored'; reason: string }
  | { kind: 'admitted'; event: QueuedEvent };

/** A webhook request as received, before it is judged. */
export interface RawDelivery {
  /** `X-GitHub-Delivery`. */
  id: string;
  /** `X-GitHub-Event`. */
  name: string;
  /** `X-Hub-Signature-256`. */
  signature: string;
  /** The request body as received (UTF-8 bytes). */
  body: Uint8Array;
  /** Epoch ms. */
  receivedAt: number;
}

/** A delivery judged and, when admitted, queued: `duplicate` when its id was queued before. */
export type IntakeOutcome =
  | Exclude<Admission, { kind: 'admitted' }>
  | { kind: 'queued' | 'duplicate'; event: QueuedEvent['kind'] };

const ADMITTED = Symbol('admitted');

/** Marks an error as thrown while queueing a delivery that had been admitted (so verified). */
export function markAdmitted<E extends object>(err: E): E {
  return Object.assign(err, { [ADMITTED]: true });
}

/** Whether `err` was thrown while queueing an admitted delivery (`markAdmitted`). */
export function wasAdmitted(err: unknown): boolean {
  return typeof err === 'object' && err !== null && ADMITTED in err;
}
