import { verify } from '@octokit/webhooks-methods';
import { mapWebhook, type DomainEvent, type MapOptions } from '../../core/events.js';

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

/**
 * Judges one webhook delivery: checks its HMAC-SHA256 signature over the body text with
 * @octokit/webhooks-methods (GitHub's "Validating webhook deliveries"), parses the body and maps
 * it (`mapWebhook`). Runs on whichever thread holds the body: the SQLite store's writer thread,
 * or the event loop for the other stores. Never throws for any input.
 *
 * @param name `X-GitHub-Event`
 * @param body the request body, decoded as UTF-8
 * @param signature `X-Hub-Signature-256` (`sha256=` and 64 hex digits)
 */
export async function admitDelivery(
  name: string,
  body: string,
  signature: string,
  context: AdmissionContext,
): Promise<Admission> {
  // An empty body or secret makes verify throw: neither can be a signed delivery.
  if (!(await verify(context.secret, body, signature).catch(() => false)))
    return { kind: 'unsigned' };
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    return { kind: 'malformed', message: 'body is not JSON' };
  }
  // GitHub sends every payload as a JSON object; `[]`, `"x"`, `null` or `7` is no delivery.
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    return { kind: 'malformed', message: 'body is not a JSON object' };
  const event = mapWebhook(name, payload, {
    appLogin: context.appLogin,
    repository: context.repository,
  });
  if (event.kind === 'invalid')
    return { kind: 'malformed', field: event.field, message: event.message };
  if (event.kind === 'ignored') return { kind: 'ignored', reason: event.reason };
  return { kind: 'admitted', event };
}

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
