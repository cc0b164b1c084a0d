import type { Draft } from './plan-context.js';
import { beginDestroy, fillSlots, retry, wants } from './planner-converge.js';

/**
 * How long the record of a closed PR whose environment is gone stays in the world (ms): longer
 * than GitHub lets a delivery be redelivered (3 days) and than deliveries are kept for dedupe
 * by default (7 days). The world is one document read and written by every plan (and a Consul
 * KV value is at most 512 KiB), so it must not grow with every PR the repository ever had.
 */
export const FORGET_CLOSED_AFTER_MS = 8 * 24 * 3_600_000;

/**
 * Time-driven work: idle TTL, retries that are due, the end of a capacity wait, and forgetting
 * closed PRs long gone (`FORGET_CLOSED_AFTER_MS`).
 */
export function onTick(d: Draft): void {
  const { now, ttlMs } = d.ctx;
  for (const env of Object.values(d.world.envs)) {
    const gone = env.phase === 'absent' && env.run === null && env.ticket === null;
    if (gone && env.pull.state === 'closed' && now - env.updatedAt >= FORGET_CLOSED_AFTER_MS)
      delete d.world.envs[env.pr];
  }
  if (d.world.capacityBlockedUntil !== null && now >= d.world.capacityBlockedUntil)
    d.world.capacityBlockedUntil = null;
  const envs = Object.values(d.world.envs).sort((a, b) => a.pr - b.pr);
  for (const env of envs) {
    const idle = ttlMs !== null && now - env.lastActivityAt >= ttlMs;
    if (idle && (env.phase === 'live' || env.phase === 'failed') && wants(env, d.ctx)) {
      env.manualOverride = { reason: 'idle_ttl', by: null, at: now };
      beginDestroy(d, env);
      continue;
    }
    const due = env.failure?.nextRetryAt;
    if (env.phase === 'failed' && due != null && due <= now) {
      if (wants(env, d.ctx)) retry(d, env);
      else beginDestroy(d, env);
    }
  }
  fillSlots(d);
}
