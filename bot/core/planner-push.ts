import type { PullRequestRef } from './model.js';
import type { Draft } from './plan-context.js';
import { converge, ensureEnv, markDirty } from './planner-converge.js';

/**
 * `pr_updated` (a push to the PR's branch): the new head becomes the desired commit, which a live
 * env is redeployed at and a failed one retries at once. A push also ends an idle-TTL hold. Forks
 * keep the approved SHA: new fork code runs only when a maintainer asks.
 */
export function onPushed(d: Draft, pull: PullRequestRef): void {
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
