import type { Logger } from '../../core/logger.js';
import type { World } from '../../core/model.js';
import { slotsUsed } from '../../core/slots.js';
import type { StateStore } from './state-store.js';

const DAY = 86_400_000;
/** The slots chart shows 7 days; a day more is kept so the window's start is always known. */
export const SLOT_HISTORY_MS = 8 * DAY;

/**
 * The oldest sample worth keeping at `now` (epoch ms): 8 days back, or the start of the month
 * (UTC) when earlier, as the month's cost so far is summed from the samples.
 */
export function slotSamplesKeepSince(now: number): number {
  const d = new Date(now);
  return Math.min(now - SLOT_HISTORY_MS, Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}

/**
 * The store, recording a slot sample (`addSlotSample`) whenever a world it saves holds a
 * different number of slots (or the cap changed) than the last sample; with `atFirstRead` (the
 * bot), the first read too, for what changed while no bot ran (commands that only read write
 * nothing). Samples are written in order after the save, never failing it (a lost sample is
 * logged); `close` waits for them.
 */
export function recordingSlotSamples(
  store: StateStore,
  cap: number,
  logger: Logger,
  options: { atFirstRead?: boolean; clock?: () => number } = {},
): StateStore {
  const clock = options.clock ?? Date.now;
  let read = false;
  let last: { used: number; cap: number } | null | undefined;
  let written: Promise<void> = Promise.resolve();
  const record = async (world: World) => {
    const now = clock();
    last ??= (await store.slotSamples(now)).at(-1) ?? null;
    const used = slotsUsed(Object.values(world.envs));
    if (last && last.used === used && last.cap === cap) return;
    await store.addSlotSample({ at: now, used, cap }, slotSamplesKeepSince(now));
    last = { used, cap };
  };
  const note = (world: World) => {
    written = written
      .then(() => record(world))
      .catch((err: unknown) => {
        last = undefined;
        logger.warn('could not record the slots used', { error: (err as Error).message });
      });
  };
  return {
    ...store,
    loadWorld: async () => {
      const loaded = await store.loadWorld();
      if (options.atFirstRead && !read) note(loaded.world);
      read = true;
      return loaded;
    },
    saveWorld: async (world, expectedVersion) => {
      const saved = await store.saveWorld(world, expectedVersion);
      if (saved) note(world);
      return saved;
    },
    saveWorldFor: async (world, expectedVersion, deliveryId) => {
      const outcome = await store.saveWorldFor(world, expectedVersion, deliveryId);
      if (outcome === 'saved') note(world);
      return outcome;
    },
    close: async () => {
      await written;
      await store.close();
    },
  };
}
