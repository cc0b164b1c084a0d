import type { RunFinishedEvent } from './actions.js';
import { nextRetryAt } from './backoff.js';
import type { EnvRecord, RunRef } from './model.js';
import type { Draft } from './plan-context.js';
import {
  announceQueued,
  closeStep,
  converge,
  fillSlots,
  markDeployment,
  markDirty,
  startRun,
  wants,
} from './planner-converge.js';

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
      markDeployment(d, env, 'success', run.id);
      return markDirty(d, env);
    case 'destroy':
      return finishDestroy(d, env);
  }
}

/** The env is gone: its slot is free for the next queued PR (or for itself if still wanted). */
function finishDestroy(d: Draft, env: EnvRecord): void {
  env.phase = 'absent';
  env.run = null;
  env.deployedSha = null;
  env.ticket = null;
  env.failure = null;
  d.world.capacityBlockedUntil = null;
  markDeployment(d, env, 'inactive');
  markDirty(d, env);
  converge(d, env);
  fillSlots(d);
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
  if (run.kind !== 'destroy') markDeployment(d, env, 'failure', run.id);
  markDirty(d, env);
}
