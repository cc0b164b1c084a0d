import type { Config } from '../config/config.js';
import { queueOrder, slotsUsed } from '../core/slots.js';
import {
  createPrometheusMetrics,
  PENDING_COUNT_LIMIT,
  type PrometheusMetrics,
} from '../adapters/metrics/prometheus.js';
import type { StateStore } from '../adapters/store/state-store.js';

/** The bot's metrics, with the queue and slot gauges read from the store at each scrape. */
export function serveMetrics(config: Config, store: () => StateStore): PrometheusMetrics {
  return createPrometheusMetrics({
    sample: async () => {
      const { world } = await store().loadWorld();
      return {
        deliveriesPending: (await store().pending(PENDING_COUNT_LIMIT)).length,
        queued: queueOrder(world).length,
        slotsUsed: slotsUsed(Object.values(world.envs)),
        slotsMax: config.previews.max,
      };
    },
  });
}
