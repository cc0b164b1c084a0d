import type { Action, PlanEvent, StickyView } from './actions.js';
import type { EnvRecord, PullRequestRef, World } from './model.js';
import { cloneEnv, cloneWorld } from './model.js';
import type { Draft, PlanContext } from './plan-context.js';
import { onCommand } from './planner-commands.js';
import { onRunFinished, onTick } from './planner-runs.js';
import { converge, ensureEnv, markDirty, wants } from './planner-steps.js';
import * as msg from './messages.js';
import { isCapacityBlocked, queueOrder, queuePositions } from './slots.js';

export interface PlanResult {
  world: World;
  actions: Action[];
}

/**
 * The bot's core loop, pure and deterministic: `(world, event) → (world', actions)`. The input
 * world is not modified. Actions come in the order to execute them: reactions first, sticky
 * comment reports last (one per PR whose state or queue position changed).
 *
 * Decisions: each env has at most one run; a push that supersedes a deploy in flight cancels it
 * and deploys the newest SHA (pushes during provisioning just move the SHA the deploy will use),
 * so a burst deploys only the newest SHA after the run in flight. Forks deploy only the head SHA
 * a maintainer approved with `/deploy`; later pushes wait for another command. A `/destroy` holds
 * until `/deploy`, even across reopen; an idle-TTL destroy holds until a push or `/deploy`.
 */
export function plan(world: World, event: PlanEvent, ctx: PlanContext): PlanResult {
  const d: Draft = { world: cloneWorld(world), ctx, actions: [], dirty: new Set() };
  const before = queuePositions(d.world);
  handle(d, event);
  for (const [pr, position] of queuePositions(d.world)) {
    if (before.get(pr) !== position) markDirty(d, d.world.envs[pr]!);
  }
  for (const pr of [...d.dirty].sort((a, b) => a - b)) {
    d.actions.push({ kind: 'report', pr, view: stickyView(d.world, d.world.envs[pr]!, ctx) });
  }
  return { world: d.world, actions: d.actions };
}

function handle(d: Draft, event: PlanEvent): void {
  switch (event.kind) {
    case 'ignored':
      return;
    case 'pr_opened':
      return onOpened(d, event.pull);
    case 'pr_updated':
      return onUpdated(d, event.pull);
    case 'pr_closed':
    case 'pr_drafted':
      // A close is kept even for a PR never seen, so that a late open cannot bring it back.
      if (event.kind === 'pr_drafted' && !d.world.envs[event.pull.number]) return;
      return converge(d, ensureEnv(d, event.pull));
    case 'command':
      return onCommand(d, event);
    case 'run_finished':
      return onRunFinished(d, event);
    case 'tick':
      return onTick(d);
  }
}

function onOpened(d: Draft, pull: PullRequestRef): void {
  const env = ensureEnv(d, pull);
  env.lastActivityAt = d.ctx.now;
  if (!pull.fork) env.desiredSha = pull.headSha;
  else if (env.approvedSha !== null) env.desiredSha = env.approvedSha;
  if (pull.fork && !wants(env, d.ctx) && env.phase === 'absent' && !pull.draft) {
    const never = d.ctx.forks === 'never';
    d.actions.push({
      kind: 'reply',
      pr: pull.number,
      inReplyTo: null,
      reason: never ? 'fork_never' : 'fork',
      body: never ? msg.FORK_NEVER : msg.FORK_NOTICE,
    });
    markDirty(d, env);
  }
  converge(d, env);
}

/** New head commit. Forks keep the approved SHA: new fork code runs only when a maintainer asks. */
function onUpdated(d: Draft, pull: PullRequestRef): void {
  const env = ensureEnv(d, pull);
  env.lastActivityAt = d.ctx.now;
  if (env.manualOverride?.reason === 'idle_ttl') env.manualOverride = null;
  if (pull.fork) {
    if (env.phase !== 'absent') markDirty(d, env);
    return converge(d, env);
  }
  const changed = env.desiredSha !== pull.headSha;
  env.desiredSha = pull.headSha;
  converge(d, env, { retryFailed: changed });
  if (changed && env.phase !== 'absent') markDirty(d, env);
}

/** What the sticky comment of `env` shows right now. */
export function stickyView(world: World, env: EnvRecord, ctx: PlanContext): StickyView {
  const position = queuePositions(world).get(env.pr);
  return {
    env: cloneEnv(env),
    url: ctx.previewUrl(env.pr),
    queue: position === undefined ? null : { position, length: queueOrder(world).length },
    waitingForCapacity: env.phase === 'queued' && isCapacityBlocked(world, ctx.now),
  };
}
