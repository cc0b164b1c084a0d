import type { PlanEvent } from '../core/actions.js';
import type { DomainEvent } from '../core/events.js';
import type { GitHubPort } from '../adapters/github/github-port.js';

/**
 * Completes a queued domain event into a planner event. A comment command needs the PR's
 * current head and the commenter's permission, which only GitHub knows.
 */
export async function toPlanEvent(
  event: DomainEvent,
  github: GitHubPort,
): Promise<PlanEvent | null> {
  if (event.kind === 'ignored') return null;
  if (event.kind !== 'comment_command') return event;
  const [pull, permission] = await Promise.all([
    github.getPullRequest(event.pr),
    github.permissionOf(event.actor),
  ]);
  if (!pull) return null;
  return {
    kind: 'command',
    commentId: event.commentId,
    actor: event.actor,
    command: event.command,
    permission,
    pull: {
      number: event.pr,
      headSha: pull.headSha,
      headRef: pull.headRef,
      baseRef: pull.baseRef,
      title: pull.title,
      author: pull.author,
      draft: pull.draft,
      fork: pull.fork,
      state: pull.state,
      merged: pull.merged,
    },
  };
}
