import type { PullRequestRef } from './model.js';
import type { Draft } from './plan-context.js';
import { converge, ensureEnv } from './planner-converge.js';

/**
 * `pr_closed` and `pr_drafted`: the PR no longer wants an env, so converging leaves the queue or
 * destroys. A close is kept even for a PR never seen, so that a late open cannot bring it back; a
 * draft of a PR never seen changes nothing.
 */
export function onClosedOrDrafted(
  d: Draft,
  event: { kind: 'pr_closed' | 'pr_drafted'; pull: PullRequestRef },
): void {
  if (event.kind === 'pr_drafted' && !d.world.envs[event.pull.number]) return;
  converge(d, ensureEnv(d, event.pull));
}
