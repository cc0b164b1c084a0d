import type { Action, PlanEvent, StickyView } from './actions.js';
import type { EnvRecord, World } from './model.js';
import { cloneEnv, cloneWorld } from './model.js';
import type { Draft, PlanContext } from './plan-context.js';
import {
  onBranchPushed,
  onChecksChanged,
  onChecksReported,
  onClusterDeployTick,
  onEnvironmentRunFinished,
} from './planner-branch-deploy.js';
import { onClosedOrDrafted } from './planner-close.js';
import { onCommand } from './planner-command.js';
import { markDirty } from './planner-converge.js';
import { onOpened } from './planner-open.js';
import { onPushed } from './planner-push.js';
import { onRunFinished } from './planner-run-finished.js';
import { onTick } from './planner-tick.js';
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

/** Each kind of event is one life-cycle transition, owned by one file. */
function handle(d: Draft, event: PlanEvent): void {
  switch (event.kind) {
    case 'ignored':
      return;
    case 'pr_opened':
      return onOpened(d, event.pull);
    case 'pr_updated':
      return onPushed(d, event.pull);
    case 'pr_closed':
    case 'pr_drafted':
      return onClosedOrDrafted(d, event);
    case 'command':
      return onCommand(d, event);
    case 'run_finished':
      return onRunFinished(d, event);
    case 'branch_pushed':
      return onBranchPushed(d, event);
    case 'checks_changed':
      return onChecksChanged(d, event);
    case 'checks_reported':
      return onChecksReported(d, event);
    case 'environment_run_finished':
      return onEnvironmentRunFinished(d, event);
    case 'tick':
      onClusterDeployTick(d);
      return onTick(d);
  }
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
