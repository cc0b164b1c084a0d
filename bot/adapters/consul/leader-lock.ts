import type { Logger } from '../../core/logger.js';
import type { ConsulAgentChecks } from './agent-checks.js';
import type { ConsulKv } from './kv.js';
import type { ConsulSessions } from './sessions.js';

export interface LeaderElectionOptions {
  kv: ConsulKv;
  sessions: ConsulSessions;
  /** The lock's KV key, e.g. `prenv/aipacto/state/leader`. */
  key: string;
  /** Who this replica is (host and pid): the lock's value, for operators reading the key. */
  holder: string;
  /** Session TTL (ms, 10 000–86 400 000; Consul may invalidate up to twice as late). */
  ttlMs: number;
  /** How long the lock stays unavailable after its session is invalidated (ms, ≤ 60 000). */
  lockDelayMs: number;
  logger: Logger;
  /**
   * A TTL check on the agent, passed by this process every `ttlMs / 5` and bound to the session:
   * when the process dies the check goes critical after `ttlMs` and Consul ends the session at
   * once, instead of one to two session TTLs later.
   */
  liveness?: { checks: ConsulAgentChecks; ttlMs: number };
  /** This replica now holds the lock. */
  onAcquired: () => void;
  /** It held the lock and lost it (session invalidated or not renewed within the TTL). */
  onLost: (reason: string) => void;
}

export interface LeaderElection {
  readonly isLeader: boolean;
  /** Gives the lock up (another replica takes it after no lock-delay) and ends the session. */
  stop(): Promise<void>;
}

const RETRY_MS = 1_000;

/**
 * Consul's leader election (Consul docs, "Application leader election"; sessions as in
 * developer.hashicorp.com/consul/docs/automate/session): every replica creates a session with a
 * TTL and a lock-delay and tries `?acquire=<session>` on `key`; the one that gets it leads and
 * renews its session every TTL/2; the others block on the key (blocking queries) and try again
 * when it has no session. The TTL is a lower bound: Consul may invalidate a session that is not
 * renewed up to twice as late. The session also carries the agent's `serfHealth` check (the
 * default), so a leader whose node fails loses the lock as soon as gossip sees it. A leader that
 * cannot renew within the TTL, or finds its session gone, has lost the lock and says so
 * (`onLost`): it must stop working, because another replica may lead once the session is gone.
 */
export function startLeaderElection(options: LeaderElectionOptions): LeaderElection {
  const { kv, sessions, key, logger } = options;
  let session: string | null = null;
  let leader = false;
  let stopped = false;
  let renewedAt = 0;
  const abort = new AbortController();
  const ttl = `${Math.ceil(options.ttlMs / 1000)}s`;
  const lockDelay = `${Math.ceil(options.lockDelayMs / 1000)}s`;
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.());

  const checkId = `prenv-leader:${options.holder}`;
  let heartbeat: ReturnType<typeof setInterval> | null = null;
  const live = options.liveness;
  /** Registers this process's liveness check (a dead replica's goes away a minute after). */
  const liveness = async (): Promise<string[]> => {
    if (!live) return [];
    await live.checks.registerTtl({
      id: checkId,
      name: 'prenv-leader-candidate',
      ttl: `${Math.ceil(live.ttlMs / 1000)}s`,
    });
    heartbeat ??= setInterval(() => {
      live.checks.pass(checkId).catch((err: unknown) => {
        logger.warn('could not pass the liveness check', { error: (err as Error).message });
      });
    }, live.ttlMs / 5);
    heartbeat.unref?.();
    return ['serfHealth', checkId];
  };

  const newSession = async () => {
    const checks = await liveness();
    session = await sessions.create({
      name: `prenv leader: ${options.holder}`,
      ttl,
      lockDelay,
      behavior: 'release',
      ...(checks.length > 0 ? { checks } : {}),
    });
    renewedAt = Date.now();
    return session;
  };

  /** Renews at TTL/2; false once the session is gone or not renewed within the TTL. */
  const renew = async (): Promise<boolean> => {
    if (!session) return false;
    try {
      if (!(await sessions.renew(session))) return false;
      renewedAt = Date.now();
      return true;
    } catch (err) {
      logger.warn('could not renew the leader session', { error: (err as Error).message });
      return Date.now() - renewedAt < options.ttlMs;
    }
  };

  const lead = async () => {
    leader = true;
    logger.info('leading: this replica runs the work', { holder: options.holder });
    options.onAcquired();
    while (!stopped) {
      await sleep(options.ttlMs / 2);
      if (stopped) return;
      const alive = await renew();
      const entry = alive ? await kv.get(key).catch(() => undefined) : undefined;
      if (!alive || (entry && entry.session !== session)) {
        leader = false;
        const reason = alive ? 'another session holds the lock' : 'the session was not renewed';
        logger.error('lost the leader lock', { holder: options.holder, reason });
        options.onLost(reason);
        return;
      }
    }
  };

  const campaign = async () => {
    let index = 0;
    let lastRenew = Date.now();
    while (!stopped) {
      try {
        const id = session ?? (await newSession());
        if (await kv.acquire(key, id, options.holder)) return lead();
        if (Date.now() - lastRenew > options.ttlMs / 2) {
          if (!(await renew())) session = null;
          lastRenew = Date.now();
        }
        const entry = await kv.get(key);
        if (entry?.session) {
          // Someone leads: wait until the key changes (at most TTL/2, to renew our session).
          index = (await kv.watch(key, index, Math.ceil(options.ttlMs / 2), abort.signal)).index;
        } else {
          // Free but refused: the lock-delay of the last leader's session still runs.
          await sleep(RETRY_MS);
        }
      } catch (err) {
        if (stopped) return;
        logger.warn('leader election: Consul did not answer; trying again', {
          error: (err as Error).message,
        });
        await sleep(RETRY_MS);
      }
    }
  };

  void campaign().catch((err: unknown) =>
    options.onLost(`leader election failed: ${(err as Error).message}`),
  );

  return {
    get isLeader() {
      return leader;
    },
    async stop() {
      stopped = true;
      abort.abort();
      if (heartbeat) clearInterval(heartbeat);
      const id = session;
      if (id) {
        if (leader) await kv.release(key, id).catch(() => false);
        leader = false;
        await sessions.destroy(id).catch(() => undefined);
      }
      if (live) await live.checks.deregister(checkId).catch(() => undefined);
    },
  };
}
