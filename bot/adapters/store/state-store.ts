import type { AdmissionContext, IntakeOutcome, RawDelivery } from '../github/intake-outcome.js';
import type { RunAction, RunFinishedEvent } from '../../core/actions.js';
import type { World } from '../../core/model.js';
import type { SlotSample } from '../../core/slot-history.js';

export interface VersionedWorld {
  world: World;
  /** Opaque version for check-and-set; 0 when nothing was ever saved. */
  version: number;
}

export interface Delivery {
  /** X-GitHub-Delivery, or a generated id for events that do not come from a webhook. */
  id: string;
  /** The GitHub event name (`pull_request`, `issue_comment`) or an internal one (`reconcile`). */
  name: string;
  payload: unknown;
  receivedAt: number;
  /** Failed processing attempts so far (0 for a fresh delivery). */
  attempts?: number;
  /** The error of the last failed attempt. */
  lastError?: string | null;
  /** Not processed again before this time (epoch ms); 0: at once. */
  nextAttemptAt?: number;
}

/**
 * A delivery already handled (its plan saved, or nothing to plan): kept, without its payload,
 * until `prune` forgets it, so that GitHub's redelivery of it is answered as a duplicate.
 */
export interface CompletedDelivery {
  id: string;
  name: string;
  receivedAt: number;
}

/** A delivery that failed its last allowed attempt; kept until `retry` or pruning. */
export interface DeadLetter {
  id: string;
  name: string;
  receivedAt: number;
  attempts: number;
  lastError: string;
  /** When it was given up (epoch ms). */
  deadAt: number;
  /** The queued domain event, for `prenv list`/`status` to say which PR it was about. */
  payload: unknown;
}

export type { SlotSample } from '../../core/slot-history.js';

export interface RunLine {
  /** 1-based, per run: the SSE event id, so a reconnecting browser resumes after it. */
  seq: number;
  /** Epoch ms. */
  at: number;
  text: string;
  /** A note under the step before it (a plan summary, a probe's answer), not a step of its own. */
  note?: true;
}

/** A run's output as the dashboard shows it; its lines and error are already redacted. */
export interface RunRecord {
  runId: string;
  /**
   * The environment the run worked on: `pr-N`, `production` or `staging`. Runs kept by a prenv
   * before production's and staging's runs were recorded lack it (read it as `pr-<pr>`).
   */
  environment: string;
  /** The PR of env `pr-N`; null for production and staging. */
  pr: number | null;
  /** A PR run's kind; production's and staging's deploys on push are `deploy`. */
  kind: RunAction['kind'];
  sha: string | null;
  startedAt: number;
  endedAt: number | null;
  outcome: 'running' | RunFinishedEvent['outcome'];
  error: string | null;
  lines: RunLine[];
  /** Lines dropped from the head of the run (too many, or too large to keep). */
  dropped: number;
}

/** Which finished runs a store keeps: the newest `runs`, and none that ended before `endedSince`. */
export interface RunRetention {
  runs: number;
  /** Epoch ms. */
  endedSince: number;
}

/**
 * The layout of the stored state, kept with it in both stores. Each step up has a migration
 * in the store (SQLite: `MIGRATIONS` in sqlite-store.ts, Consul: in consul-store.ts); a store
 * written by a newer prenv is refused with `StateStoreError` rather than misread.
 * 1: the first versioned layout (deliveries with attempts, dead letters).
 */
export const STATE_SCHEMA_VERSION = 1;

/** The message for a state whose schema is newer than this prenv's. */
export function newerSchemaMessage(where: string, found: number): string {
  return (
    `${where}: written by a newer prenv (state schema ${found}, this prenv reads up to ` +
    `${STATE_SCHEMA_VERSION}); run that prenv version or newer, or restore a state exported ` +
    `with \`prenv state export\` by this version`
  );
}

/**
 * Durable state of the bot: the whole World as one versioned document (so the slot cap is
 * enforced by one atomic check-and-set across replicas) and the queue of webhook deliveries,
 * deduplicated by delivery id.
 */
export interface StateStore {
  loadWorld(): Promise<VersionedWorld>;
  /** Saves only if nobody saved since `expectedVersion` was read; false otherwise. */
  saveWorld(world: World, expectedVersion: number): Promise<boolean>;
  /**
   * Saves the plan of delivery `deliveryId` and completes the delivery in one atomic write: the
   * delivery is claimed by the replica whose save lands, so its plan is saved (and its runs
   * started) once. 'conflict': the world changed since `expectedVersion` (plan again);
   * 'done': the delivery is already completed or forgotten (by another replica), nothing saved.
   */
  saveWorldFor(
    world: World,
    expectedVersion: number,
    deliveryId: string,
  ): Promise<'saved' | 'conflict' | 'done'>;
  /** 'duplicate' when this delivery id was ever enqueued before. */
  enqueue(delivery: Delivery): Promise<'queued' | 'duplicate'>;
  /**
   * Judges a raw delivery (`admitDelivery`) and enqueues it when admitted, where the store
   * writes, so the event loop neither verifies, parses nor maps it. Optional: without it the
   * caller judges on its own thread and calls `enqueue` (`intake` in webhook-handler.ts).
   */
  admit?(delivery: RawDelivery, context: AdmissionContext): Promise<IntakeOutcome>;
  /**
   * Pending deliveries, oldest first: neither completed nor dead-lettered. With `dueBy` (epoch
   * ms), only those whose next attempt is due by then; with `names`, only those whose `name`
   * is one of them (the look-ahead reads a few kinds among thousands queued in a storm).
   */
  pending(limit?: number, dueBy?: number, names?: readonly string[]): Promise<Delivery[]>;
  complete(id: string): Promise<void>;
  /** Completed deliveries not yet pruned (the dedupe window), oldest first. */
  completed(limit?: number): Promise<CompletedDelivery[]>;
  /**
   * Records a failed attempt: the delivery is tried again from `retryAt` (epoch ms), or with
   * `retryAt: null` becomes a dead letter, out of the queue until `retry`.
   */
  fail(id: string, error: string, retryAt: number | null, now: number): Promise<void>;
  /** Dead letters, oldest first. */
  deadLetters(limit?: number): Promise<DeadLetter[]>;
  /** Puts a dead letter back in the queue with its attempts reset. */
  retry(id: string): Promise<'requeued' | 'not_dead' | 'unknown'>;
  /** Proves the store can be written now (health checks); throws when it cannot. */
  checkWritable(now: number): Promise<void>;
  /** Forgets completed deliveries received before `before` (epoch ms). */
  prune(before: number): Promise<number>;
  /**
   * Records a change of the slots used. Samples from before `keepSince` (epoch ms) are forgotten,
   * but the one still in force at `keepSince` (the newest at or before it).
   */
  addSlotSample(sample: SlotSample, keepSince: number): Promise<void>;
  /**
   * The samples in force from `since` (epoch ms) on, oldest first: led by the newest one at or
   * before `since` when there is one, then all later ones.
   */
  slotSamples(since: number): Promise<SlotSample[]>;
  /**
   * Keeps a finished run's output (replacing one of the same id), then forgets runs outside
   * `retention`. The run must be finished (`endedAt` set).
   */
  keepRun(run: RunRecord, retention: RunRetention): Promise<void>;
  /** The finished runs kept, newest (by end) first. */
  keptRuns(): Promise<RunRecord[]>;
  close(): Promise<void>;
}
