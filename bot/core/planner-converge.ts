import type { DeploymentState, RunAction } from './actions.js';
import type { EnvRecord, PullRequestRef, RunKind, StepRecord } from './model.js';
import { envName, newEnv } from './model.js';
import type { Draft, PlanContext } from './plan-context.js';
import { mergePull } from './pull-facts.js';
import { holdsSlot, queuePositions, startable } from './slots.js';

/**
 * The step every transition ends in: `converge` moves one env toward what `wants` says, and the
 * record keeping around it (steps, deployment marks, sticky-comment refreshes). The transition
 * files (`planner-open`, `planner-push`, `planner-close`, `planner-command`,
 * `planner-run-finished`, `planner-tick`) each own one kind of event and import only this file.
 */

const MAX_STEPS = 10;

export function markDirty(d: Draft, env: EnvRecord): void {
  env.updatedAt = d.ctx.now;
  d.dirty.add(env.pr);
}

export function ensureEnv(d: Draft, pull: PullRequestRef): EnvRecord {
  const known = d.world.envs[pull.number]?.pull;
  const env = (d.world.envs[pull.number] ??= newEnv(pull, d.ctx.now));
  env.pull = mergePull(known, pull);
  return env;
}

/** Whether PR `env.pull` should have a running environment now. */
export function wants(env: EnvRecord, ctx: PlanContext): boolean {
  const { pull } = env;
  if (pull.state !== 'open' || pull.draft || env.manualOverride !== null) return false;
  if (pull.fork && (ctx.forks === 'never' || env.approvedSha === null)) return false;
  return env.desiredSha !== null;
}

export interface ConvergeOptions {
  /** Retry a failed env now instead of waiting for its backoff. */
  retryFailed?: boolean;
  /** Redeploy a live env even when it already runs the desired SHA. */
  forceRedeploy?: boolean;
}

/** Moves one env toward what `wants` says, starting or stopping runs as needed. */
export function converge(d: Draft, env: EnvRecord, options: ConvergeOptions = {}): void {
  if (!wants(env, d.ctx)) {
    if (env.phase === 'queued') leaveQueue(d, env);
    else if (holdsSlot(env.phase) && env.phase !== 'destroying') beginDestroy(d, env);
    return;
  }
  const desired = env.desiredSha!;
  switch (env.phase) {
    case 'absent':
      return request(d, env);
    case 'deploying':
    case 'redeploying':
      if (env.run?.sha !== desired)
        startRun(d, env, env.phase === 'deploying' ? 'deploy' : 'redeploy');
      return;
    case 'live':
      if (env.deployedSha !== desired || options.forceRedeploy) {
        env.phase = 'redeploying';
        startRun(d, env, 'redeploy');
      }
      return;
    case 'failed':
      if (options.retryFailed) retry(d, env);
      return;
    case 'queued':
    case 'provisioning':
    case 'destroying':
      return;
  }
}

/** Starts a new cycle: the env joins the queue and starts at once if a slot is free. */
function request(d: Draft, env: EnvRecord): void {
  env.steps = [];
  env.failure = null;
  env.ticket = { seq: ++d.world.seq, enqueuedAt: d.ctx.now };
  env.phase = 'queued';
  fillSlots(d);
  if (env.phase === 'queued') announceQueued(d, env);
}

export function announceQueued(d: Draft, env: EnvRecord): void {
  pushStep(env, {
    step: 'queue',
    sha: null,
    startedAt: d.ctx.now,
    endedAt: null,
    outcome: 'running',
  });
  const position = queuePositions(d.world).get(env.pr) ?? 0;
  d.actions.push({ kind: 'enqueue', pr: env.pr, position });
  markDeployment(d, env, 'queued');
  markDirty(d, env);
}

/** Starts queued envs in FIFO order while slots are free. */
export function fillSlots(d: Draft): void {
  for (const pr of startable(d.world, d.ctx.cap, d.ctx.now, d.ctx.held)) {
    const env = d.world.envs[pr]!;
    if (closeStep(env, 'queue', 'succeeded', d.ctx.now))
      d.actions.push({ kind: 'dequeue', pr, reason: 'started' });
    env.phase = 'provisioning';
    startRun(d, env, 'provision');
  }
}

function leaveQueue(d: Draft, env: EnvRecord): void {
  if (closeStep(env, 'queue', 'cancelled', d.ctx.now))
    d.actions.push({ kind: 'dequeue', pr: env.pr, reason: 'removed' });
  env.phase = 'absent';
  env.ticket = null;
  markDeployment(d, env, 'inactive');
  markDirty(d, env);
}

export function beginDestroy(d: Draft, env: EnvRecord): void {
  if (env.phase === 'queued') return leaveQueue(d, env);
  if (!holdsSlot(env.phase) || env.phase === 'destroying') return;
  env.phase = 'destroying';
  startRun(d, env, 'destroy');
}

/** Repeats the failed stage (a failed destroy of a wanted env provisions again). */
export function retry(d: Draft, env: EnvRecord): void {
  const stage = env.failure?.stage ?? 'provision';
  if (env.failure) env.failure.nextRetryAt = null;
  if (stage === 'deploy' || stage === 'redeploy') {
    env.phase = stage === 'deploy' ? 'deploying' : 'redeploying';
    startRun(d, env, stage);
  } else {
    env.phase = 'provisioning';
    startRun(d, env, 'provision');
  }
}

/** Starts a run of `kind`, cancelling the run in flight (each env has at most one). */
export function startRun(d: Draft, env: EnvRecord, kind: RunKind): void {
  const { now } = d.ctx;
  if (env.run) {
    d.actions.push({ kind: 'cancel_run', pr: env.pr, runId: env.run.id });
    closeStep(env, env.run.kind, 'cancelled', now);
  }
  const sha = kind === 'deploy' || kind === 'redeploy' ? env.desiredSha! : null;
  const id = `pr-${env.pr}/${kind}/${++d.world.seq}`;
  env.run = { id, kind, sha, startedAt: now, ...(d.ctx.runner ? { owner: d.ctx.runner } : {}) };
  pushStep(env, { step: kind, sha, startedAt: now, endedAt: null, outcome: 'running' });
  d.actions.push(runAction(env.pr, id, kind, sha));
  if (kind !== 'destroy') markDeployment(d, env, 'in_progress', id);
  markDirty(d, env);
}

function runAction(pr: number, runId: string, kind: RunKind, sha: string | null): RunAction {
  if (kind === 'deploy' || kind === 'redeploy') return { kind, pr, runId, sha: sha! };
  return { kind, pr, runId };
}

/** A deployment status of the env's PR; `runId`: the run it is about, if any. */
export function markDeployment(
  d: Draft,
  env: EnvRecord,
  state: DeploymentState,
  runId?: string,
): void {
  d.actions.push({
    kind: 'mark_deployment',
    pr: env.pr,
    environment: envName(env.pr),
    sha: env.desiredSha ?? env.pull.headSha,
    state,
    url: state === 'success' ? d.ctx.previewUrl(env.pr) : null,
    ...(runId ? { runId } : {}),
  });
}

function pushStep(env: EnvRecord, step: StepRecord): void {
  env.steps.push(step);
  if (env.steps.length > MAX_STEPS) env.steps.splice(0, env.steps.length - MAX_STEPS);
}

/** Ends the newest running step of that name; false when there was none. */
export function closeStep(
  env: EnvRecord,
  name: StepRecord['step'],
  outcome: StepRecord['outcome'],
  now: number,
): boolean {
  const step = env.steps.findLast((s) => s.step === name && s.outcome === 'running');
  if (!step) return false;
  step.outcome = outcome;
  step.endedAt = now;
  return true;
}
