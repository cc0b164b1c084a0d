import { z } from 'zod';
import type { World } from '../../core/model.js';
import {
  STATE_SCHEMA_VERSION,
  type CompletedDelivery,
  type DeadLetter,
  type Delivery,
  type StateStore,
} from './state-store.js';

/** The version of the export document; a newer one is refused by `parseStateDocument`. */
export const STATE_DOCUMENT_VERSION = 1;

/**
 * What `prenv state export` writes and `prenv state import` reads: the world, the queued
 * deliveries (oldest first), the dead letters, and the ids of the completed deliveries the
 * store still holds (its dedupe window, kept to `PRENV_DELIVERY_RETENTION` by pruning), so
 * GitHub's redelivery of a delivery handled before the move is a duplicate after it, not a
 * command run twice.
 */
export interface StateDocument {
  format: 'prenv-state';
  version: number;
  /** The schema of the store it came from (`STATE_SCHEMA_VERSION` then). */
  schemaVersion: number;
  exportedAt: string;
  world: World;
  deliveries: Delivery[];
  deadLetters: DeadLetter[];
  /** Absent from exports of earlier prenv versions (read as none). */
  completed: CompletedDelivery[];
}

const ALL = Number.MAX_SAFE_INTEGER;

export async function exportState(store: StateStore, now: number): Promise<StateDocument> {
  return {
    format: 'prenv-state',
    version: STATE_DOCUMENT_VERSION,
    schemaVersion: STATE_SCHEMA_VERSION,
    exportedAt: new Date(now).toISOString(),
    world: (await store.loadWorld()).world,
    deliveries: await store.pending(ALL),
    deadLetters: await store.deadLetters(ALL),
    completed: await store.completed(ALL),
  };
}

const documentSchema = z.object({
  format: z.literal('prenv-state'),
  version: z.number().int().min(1),
  schemaVersion: z.number().int().min(0),
  exportedAt: z.string(),
  world: z.looseObject({
    envs: z.record(z.string(), z.unknown()),
    seq: z.number().int().min(0),
    capacityBlockedUntil: z.number().nullable(),
  }),
  deliveries: z.array(
    z.object({
      id: z.string().min(1),
      name: z.string().min(1),
      payload: z.unknown(),
      receivedAt: z.number(),
      attempts: z.number().int().min(0).optional(),
      lastError: z.string().nullable().optional(),
      nextAttemptAt: z.number().optional(),
    }),
  ),
  deadLetters: z.array(
    z.object({
      id: z.string().min(1),
      name: z.string().min(1),
      payload: z.unknown(),
      receivedAt: z.number(),
      attempts: z.number().int().min(1),
      lastError: z.string(),
      deadAt: z.number(),
    }),
  ),
  completed: z
    .array(z.object({ id: z.string().min(1), name: z.string().min(1), receivedAt: z.number() }))
    .default([]),
});

/** Parses an export; throws an Error saying what is wrong (not JSON, a newer version, a field). */
export function parseStateDocument(text: string, source: string): StateDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source} is not JSON (${(err as Error).message})`);
  }
  const version = (value as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > STATE_DOCUMENT_VERSION)
    throw new Error(
      `${source} was exported by a newer prenv (document version ${version}, this prenv reads up to ${STATE_DOCUMENT_VERSION}): import it with that version`,
    );
  const parsed = documentSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(
      `${source} is not a prenv state export: ${issue.path.join('.') || '(top)'}: ${issue.message}`,
    );
  }
  if (parsed.data.schemaVersion > STATE_SCHEMA_VERSION)
    throw new Error(
      `${source} comes from a state of schema ${parsed.data.schemaVersion}; this prenv reads up to ${STATE_SCHEMA_VERSION}`,
    );
  // The envs are the planner's own records, written by an export: carried as they are.
  return parsed.data as unknown as StateDocument;
}

/** The store an import was aimed at already holds a state; nothing was written. */
export class StateNotEmptyError extends Error {
  constructor() {
    super(
      'the target state is not empty (it has a world or queued deliveries): import into a new store, or stop the bot and remove that state first',
    );
    this.name = 'StateNotEmptyError';
  }
}

/**
 * Writes an export into an empty store, through the store's own operations (so it works from
 * and to either store): the world, the completed deliveries (queued and completed at once,
 * without payload), then each queued delivery with its failed attempts replayed, then the
 * dead letters. Throws StateNotEmptyError when the store already holds a world or deliveries.
 */
export async function importState(
  store: StateStore,
  doc: StateDocument,
): Promise<{ deliveries: number; deadLetters: number; completed: number; environments: number }> {
  const current = await store.loadWorld();
  if (
    current.version !== 0 ||
    (await store.pending(1)).length > 0 ||
    (await store.deadLetters(1)).length > 0 ||
    (await store.completed(1)).length > 0
  )
    throw new StateNotEmptyError();
  if (!(await store.saveWorld(doc.world, 0)))
    throw new Error('another writer saved a world while importing: stop the bot and try again');
  for (const d of doc.completed) {
    await store.enqueue({ id: d.id, name: d.name, payload: null, receivedAt: d.receivedAt });
    await store.complete(d.id);
  }
  for (const d of doc.deliveries) {
    await store.enqueue({ id: d.id, name: d.name, payload: d.payload, receivedAt: d.receivedAt });
    for (let i = 1; i <= (d.attempts ?? 0); i++)
      await store.fail(d.id, d.lastError ?? '', d.nextAttemptAt ?? 0, d.receivedAt);
  }
  for (const d of doc.deadLetters) {
    await store.enqueue({ id: d.id, name: d.name, payload: d.payload, receivedAt: d.receivedAt });
    for (let i = 1; i < d.attempts; i++) await store.fail(d.id, d.lastError, 0, d.deadAt);
    await store.fail(d.id, d.lastError, null, d.deadAt);
  }
  return {
    deliveries: doc.deliveries.length,
    deadLetters: doc.deadLetters.length,
    completed: doc.completed.length,
    environments: Object.keys(doc.world.envs).length,
  };
}
