import type { Draft } from './plan-context.js';
import { beginDestroy, fillSlots, retry, wants } from './planner-converge.js';

/** Time-driven work: idle TTL, retries that are due, the end of a capacity wait. */
export function onTick(d: Draft): void {
  const { now, ttlMs } = d.ctx;
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
