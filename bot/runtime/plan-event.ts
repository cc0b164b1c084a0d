import type { PlanEvent } from '../core/actions.js';
import type { DomainEvent } from '../core/events.js';
import type { Logger } from '../core/logger.js';
import type { PullRequestRef } from '../core/model.js';
import { eventFromCurrent, judgeFact } from '../core/pull-facts.js';
import type { GitHubPort, PullRequestDetails } from '../adapters/github/github-port.js';
import type { StateStore } from '../adapters/store/state-store.js';

export interface PlanEventSources {
  github: GitHubPort;
  store: Pick<StateStore, 'loadWorld'>;
  logger: Logger;
}

/**
 * Completes a queued domain event into a planner event, or null when there is nothing to plan.
 * A comment command needs the PR's current head and the commenter's permission, which only
 * GitHub knows. A PR event is first ordered against what the world knows (`judgeFact`): an
 * older contradicting delivery is dropped, and one whose order cannot be told is replaced by
 * the PR as GitHub has it now. Throws what the GitHub port throws (the delivery stays queued).
 */
export async function toPlanEvent(
  event: DomainEvent,
  sources: PlanEventSources,
): Promise<PlanEvent | null> {
  if (event.kind === 'ignored') return null;
  // Branch pushes and checks carry all the planner needs; their checks are read on its demand.
  if (event.kind === 'branch_pushed' || event.kind === 'checks_changed') return event;
  const { github, logger } = sources;
  if (event.kind !== 'comment_command') {
    const known = (await sources.store.loadWorld()).world.envs[event.pull.number]?.pull;
    const { verdict, reason } = judgeFact(known, event);
    const log = logger.child({ pr: event.pull.number, event: event.kind });
    if (verdict === 'apply') return event;
    if (verdict === 'stale') {
      log.info('dropped a stale delivery', { reason });
      return null;
    }
    const current = await github.getPullRequest(event.pull.number);
    if (!current) {
      log.warn('dropped a delivery for a pull request GitHub does not know', { reason });
      return null;
    }
    const verified = eventFromCurrent(event, known, toPullRequestRef(current));
    log.info('verified a delivery with GitHub', { reason, now: verified?.kind ?? 'nothing' });
    return verified;
  }
  const [pull, permission] = await Promise.all([
    github.getPullRequest(event.pr),
    github.permissionOf(event.actor),
  ]);
  if (!pull) return null;
  return {
    kind: 'command',
    commentId: event.commentId,
    // Queued before comment times were kept: no time, so a fork's head cannot be shown approved.
    writtenAt: event.writtenAt ?? new Date(0).toISOString(),
    actor: event.actor,
    command: event.command,
    permission,
    pull: toPullRequestRef({ ...pull, number: event.pr }),
  };
}

function toPullRequestRef(pull: PullRequestDetails): PullRequestRef {
  return {
    number: pull.number,
    headSha: pull.headSha,
    headRef: pull.headRef,
    baseRef: pull.baseRef,
    title: pull.title,
    author: pull.author,
    draft: pull.draft,
    fork: pull.fork,
    state: pull.state,
    merged: pull.merged,
    ...(pull.updatedAt ? { updatedAt: pull.updatedAt } : {}),
  };
}
