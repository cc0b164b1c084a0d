/**
 * Checks of the webhook fields the core relies on. A signed delivery with a value GitHub never
 * sends (PR number 0, a short SHA, an unknown action) is refused at the edge, naming the field,
 * instead of reaching the planner and holding a slot.
 */
import { obj, str } from './payload.js';

/** A field of a signed delivery that GitHub would never send as it is. */
export class PayloadFieldError extends Error {
  constructor(
    readonly field: string,
    expected: string,
    got: unknown,
  ) {
    super(`${field}: expected ${expected}, got ${shown(got)}`);
  }
}

/**
 * Actions GitHub documents for the events prenv reads ("Webhook events and payloads",
 * docs.github.com). Others are refused: they are not GitHub's.
 */
export const KNOWN_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  pull_request: [
    'assigned',
    'auto_merge_disabled',
    'auto_merge_enabled',
    'closed',
    'converted_to_draft',
    'demilestoned',
    'dequeued',
    'edited',
    'enqueued',
    'labeled',
    'locked',
    'milestoned',
    'opened',
    'ready_for_review',
    'reopened',
    'review_request_removed',
    'review_requested',
    'synchronize',
    'unassigned',
    'unlabeled',
    'unlocked',
  ],
  issue_comment: ['created', 'deleted', 'edited'],
  // GitHub's webhook docs, "check_suite": `requested` and `rerequested` come to the App that
  // makes the checks; `completed` to every App subscribed.
  check_suite: ['completed', 'requested', 'rerequested'],
};

const SHA = /^[0-9a-f]{40}$/;
/** GitHub's timestamps: ISO 8601 in UTC, e.g. `2019-05-15T15:20:33Z`. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Walks `path` (dot-separated) from `root`; undefined when a step is missing. */
export function at(root: unknown, path: string): unknown {
  let value: unknown = root;
  for (const key of path.split('.')) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export function action(payload: unknown, event: string): string {
  const value = at(payload, 'action');
  const known = KNOWN_ACTIONS[event] ?? [];
  if (typeof value !== 'string' || !known.includes(value))
    throw new PayloadFieldError('action', `one of GitHub's ${event} actions`, value);
  return value;
}

/** GitHub numbers and ids: positive safe integers. */
export function positiveInteger(payload: unknown, path: string): number {
  const value = at(payload, path);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw new PayloadFieldError(path, 'a positive integer', value);
  return value;
}

export function commitSha(payload: unknown, path: string): string {
  const value = at(payload, path);
  if (typeof value !== 'string' || !SHA.test(value))
    throw new PayloadFieldError(path, 'a 40-character hexadecimal commit SHA', value);
  return value;
}

/** An ISO 8601 timestamp, returned normalised to `toISOString()` form so strings compare in time order. */
export function timestamp(payload: unknown, path: string): string {
  const value = at(payload, path);
  const ms = typeof value === 'string' && TIMESTAMP.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw new PayloadFieldError(path, 'an ISO 8601 timestamp', value);
  return new Date(ms).toISOString();
}

export function nonEmptyString(payload: unknown, path: string): string {
  const value = at(payload, path);
  if (typeof value !== 'string' || value.trim() === '')
    throw new PayloadFieldError(path, 'a non-empty string', value);
  return value;
}

/** A boolean flag; `fallback` when absent (older payloads), refused when anything else. */
export function flag(payload: unknown, path: string, fallback: boolean): boolean {
  const value = at(payload, path);
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new PayloadFieldError(path, 'true or false', value);
  return value;
}

export function oneOf<T extends string>(payload: unknown, path: string, values: readonly T[]): T {
  const value = at(payload, path);
  if (typeof value !== 'string' || !values.includes(value as T))
    throw new PayloadFieldError(path, values.map((v) => `"${v}"`).join(' or '), value);
  return value as T;
}

export function object(payload: unknown, path: string): Record<string, unknown> {
  const value = at(payload, path);
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new PayloadFieldError(path, 'an object', value);
  return value as Record<string, unknown>;
}

/** `repository.full_name` of a delivery, if it names one. */
export function repositoryName(payload: unknown): string | undefined {
  return str(obj(payload, 'repository'), 'full_name');
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null)
    return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
