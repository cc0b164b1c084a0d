import type { RunFinishedEvent } from './actions.js';
import { nextRetryAt } from './backoff.js';
import type { EnvRecord, RunRef } from './model.js';
import type { Draft } from './plan-context.js';
import {
  announceQueued,
  beginDestroy,
  closeStep,
  fillSlots,
  finishDestroy,
  markDeployment,
  markDirty,
  retry,
  startRun,
  wants,
} from './planner-steps.js';

/** A run reported back by the executor. Results of superseded runs are ignored. */
export function onRunFinished(d: Draft, event: RunFinishedEvent): void {
  const env = d.world.envs[event.pr];
  const run = env?.run;
  if (!env || !run || run.id !== event.runId) return;
  env.run = null;
  const { now } = d.ctx;
  if (event.outcome === 'succeeded') {
    closeStep(env, run.kind, 'succeeded', now);
    env.failure = null;
    return succeeded(d, env, run);
  }
  closeStep(env, run.kind, 'failed', now);
  if (event.outcome === 'at_capacity' && run.kind === 'provision') return backToQueue(d, env);
  fail(d, env, run, event);
}

function succeeded(d: Draft, env: EnvRecord, run: RunRef): void {
  switch (run.kind) {
    case 'provision':
      env.phase = 'deploying';
      return startRun(d, env, 'deploy');
    case 'deploy':
    case 'redeploy':
      env.deployedSha = run.sha;
      if (env.desiredSha !== env.deployedSha && wants(env, d.ctx)) {
        env.phase = 'redeploying';
        return startRun(d, env, 'redeploy');
      }
      env.phase = 'live';
      markDeployment(d, env, 'success');
      return markDirty(d, env);
    case 'destroy':
      return finishDestroy(d, env);
  }
}

/** Hetzner's server limit: the PR waits at the head of the queue; nothing new starts for a while. */
function backToQueue(d: Draft, env: EnvRecord): void {
  env.phase = 'queued';
  d.world.capacityBlockedUntil = d.ctx.now + d.ctx.capacityRetryMs;
  announceQueued(d, env);
}

function fail(d: Draft, env: EnvRecord, run: RunRef, event: RunFinishedEvent): void {
  const { now } = d.ctx;
  const attempts = (env.failure?.attempts ?? 0) + 1;
  const fallback = event.outcome === 'cancelled' ? 'the run was interrupted' : 'the run failed';
  env.failure = {
    stage: run.kind,
    attempts,
    lastError: event.error?.trim() || fallback,
    failedAt: now,
    nextRetryAt: nextRetryAt(attempts, now, d.ctx.retry, run.kind === 'destroy'),
  };
  env.phase = 'failed';
  if (run.kind !== 'destroy') markDeployment(d, env, 'failure');
  markDirty(d, env);
}

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
