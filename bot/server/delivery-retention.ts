import type { Logger } from '../core/logger.js';
import type { StateStore } from '../adapters/store/state-store.js';

/** How often processed deliveries past their retention are pruned (ms). */
export const PRUNE_EVERY_MS = 3_600_000;

/**
 * Keeps the deliveries table bounded: at once and every `everyMs`, forgets processed deliveries
 * received more than `retentionMs` ago (`StateStore.prune`). Pending deliveries and dead letters
 * stay, and so does every id within the retention, which is what refuses a redelivery. A failed
 * prune is logged and tried at the next turn. Returns a stop function.
 */
export function startDeliveryPruning(input: {
  store: Pick<StateStore, 'prune'>;
  retentionMs: number;
  logger: Logger;
  now?: () => number;
  everyMs?: number;
}): () => void {
  const now = input.now ?? Date.now;
  const prune = () => {
    input.store.prune(now() - input.retentionMs).then(
      (removed) => {
        if (removed > 0) input.logger.info('pruned processed deliveries', { removed });
      },
      (err: unknown) =>
        input.logger.warn('could not prune processed deliveries', {
          error: (err as Error).message,
        }),
    );
  };
  prune();
  const timer = setInterval(prune, input.everyMs ?? PRUNE_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
