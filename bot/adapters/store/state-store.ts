import type { World } from '../../core/model.js';

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
  /** 'duplicate' when this delivery id was ever enqueued before. */
  enqueue(delivery: Delivery): Promise<'queued' | 'duplicate'>;
  /** Pending deliveries, oldest first. */
  pending(limit?: number): Promise<Delivery[]>;
  complete(id: string): Promise<void>;
  /** Forgets completed deliveries received before `before` (epoch ms). */
  prune(before: number): Promise<number>;
  close(): Promise<void>;
}
