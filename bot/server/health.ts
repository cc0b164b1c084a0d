import type { Logger } from '../core/logger.js';
import type { StateStore } from '../adapters/store/state-store.js';

export interface HealthDeps {
  store: Pick<StateStore, 'checkWritable' | 'pending' | 'deadLetters'>;
  /** When the worker last finished a delivery or a plan (epoch ms). */
  lastProgressAt: () => number;
  /** Due deliveries waiting longer than this without progress mean a stuck worker (ms). */
  stallMs: number;
  clock?: () => number;
}

export interface Health {
  ok: boolean;
  detail: {
    store: string;
    worker: string;
    /** Deliveries due now and waiting for the worker. */
    waiting: number;
    deadLetters: number;
  };
}

/**
 * What `/healthz` answers: not ok when the state store cannot be written (a read-only or full
 * disk: nothing received could be kept) or when the oldest due delivery has waited `stallMs`
 * while the worker made no progress (a hung run or GitHub call). An idle worker is healthy.
 */
export async function checkHealth(deps: HealthDeps): Promise<Health> {
  const now = (deps.clock ?? Date.now)();
  let store = 'ok';
  let waiting = 0;
  let worker = 'ok';
  let deadLetters = 0;
  try {
    await deps.store.checkWritable(now);
    const due = await deps.store.pending(1_000, now);
    waiting = due.length;
    deadLetters = (await deps.store.deadLetters(1_000)).length;
    const oldest = due[0];
    const dueSince = oldest ? Math.max(oldest.receivedAt, oldest.nextAttemptAt ?? 0) : now;
    const idleFor = now - deps.lastProgressAt();
    if (now - dueSince >= deps.stallMs && idleFor >= deps.stallMs) {
      worker =
        `stalled: ${waiting} due deliveries, the oldest due for ${seconds(now - dueSince)}, ` +
        `no progress for ${seconds(idleFor)}`;
    }
  } catch (err) {
    store = `not writable: ${(err as Error).message}`;
  }
  return {
    ok: store === 'ok' && worker === 'ok',
    detail: { store, worker, waiting, deadLetters },
  };
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

/**
 * What `/healthz` shows anyone who asks: the status code says it all (200 or 503, what Nomad's and
 * Consul's `http` checks read), and one word per check. Nothing else: `/healthz` answers without a
 * sign-in, and the details (a store error naming its file or Consul address, delivery counts)
 * belong to the bot's log.
 */
export interface PublicHealth {
  ok: boolean;
  checks: { store: 'ok' | 'not_writable'; worker: 'ok' | 'stalled' };
}

/**
 * `checkHealth`'s answer cut to `PublicHealth`; the details are logged when they change (a check
 * that starts failing, or says something new, at warn; recovery at info), so an operator sees
 * why `/healthz` fails without it being public.
 */
export function publicHealth(logger: Logger): (health: Health) => PublicHealth {
  let last = 'ok';
  return (health) => {
    const { store, worker } = health.detail;
    const said = health.ok ? 'ok' : JSON.stringify([store, worker]);
    if (said !== last) {
      if (health.ok) logger.info('healthy again');
      else logger.warn('unhealthy: /healthz answers 503', { store, worker });
      last = said;
    }
    return {
      ok: health.ok,
      checks: {
        store: store === 'ok' ? 'ok' : 'not_writable',
        worker: worker === 'ok' ? 'ok' : 'stalled',
      },
    };
  };
}
