import { hostname } from 'node:os';
import type { Logger } from '../core/logger.js';
import type { ConsulClient, ConsulKv } from '../adapters/consul/client.js';
import { startLeaderElection, type LeaderElection } from '../adapters/consul/leader-lock.js';
import type { StateTarget } from '../adapters/store/open-store.js';
import type { RuntimeSettings } from '../wiring/settings.js';

/** The leader election of replicas sharing a Consul state; started once the bot listens. */
export function leaderElectionFor(
  consul: ConsulClient,
  target: StateTarget,
  settings: Pick<RuntimeSettings, 'leader'>,
  logger: Logger,
): {
  election: LeaderElection | null;
  start(callbacks: { onAcquired: () => void; onLost: (reason: string) => void }): void;
} {
  const prefix = target.kind === 'consul' ? target.prefix : 'prenv';
  const holder = `${hostname()}:${process.pid}`;
  const handle = {
    election: null as LeaderElection | null,
    start(callbacks: { onAcquired: () => void; onLost: (reason: string) => void }) {
      handle.election = startLeaderElection({
        kv: consul.kv,
        sessions: consul.sessions,
        key: `${prefix}/leader`,
        holder,
        ttlMs: settings.leader.ttlMs,
        lockDelayMs: settings.leader.lockDelayMs,
        // A dead process loses the lock within 5 s (at most half the TTL), not 1-2 TTLs.
        liveness: { checks: consul.checks, ttlMs: Math.min(5_000, settings.leader.ttlMs / 2) },
        logger,
        ...callbacks,
      });
    },
  };
  return handle;
}

/**
 * Calls `onChange` whenever a delivery is queued, changed or removed under
 * `<prefix>/deliveries/`, by any replica (blocking queries, 30 s at a time).
 */
export function watchQueue(
  kv: ConsulKv,
  prefix: string,
  onChange: () => void,
  logger: Logger,
): { stop(): void } {
  let stopped = false;
  const abort = new AbortController();
  void (async () => {
    let index = 0;
    while (!stopped) {
      try {
        const next = (await kv.watch(`${prefix}/deliveries/`, index, 30_000, abort.signal)).index;
        if (stopped) return;
        if (index !== 0 && next !== index) onChange();
        index = next;
      } catch (err) {
        if (stopped) return;
        logger.warn('could not watch the delivery queue; trying again', {
          error: (err as Error).message,
        });
        await new Promise((resolve) => setTimeout(resolve, 1_000).unref?.());
      }
    }
  })();
  return {
    stop() {
      stopped = true;
      abort.abort();
    },
  };
}
