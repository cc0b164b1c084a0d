import type { PullRequestRef } from './model.js';
import type { Draft } from './plan-context.js';
import * as msg from './messages.js';
import { converge, ensureEnv, markDirty, wants } from './planner-converge.js';

/**
 * `pr_opened` (opened, reopened, ready for review): the head becomes the desired commit. A fork
 * keeps the commit a maintainer approved, and is told once that it waits for `/deploy`.
 */
export function onOpened(d: Draft, pull: PullRequestRef): void {
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
