import type { ParsedCommand } from './commands.js';
import { parseCommand } from './commands.js';
import type { PullRequestRef } from './model.js';
import { bool, has, num, obj, str } from './payload.js';

/** Our own small events, mapped from GitHub webhooks at the edge. */
export type DomainEvent =
  | { kind: 'pr_opened'; pull: PullRequestRef }
  | { kind: 'pr_updated'; pull: PullRequestRef }
  | { kind: 'pr_closed'; pull: PullRequestRef }
  | { kind: 'pr_drafted'; pull: PullRequestRef }
  | CommentCommandEvent
  | { kind: 'ignored'; reason: string };

/**
 * A command found in a PR comment. An adapter completes it (the PR itself and the commenter's
 * permission) into the planner's `CommandEvent` before planning.
 */
export interface CommentCommandEvent {
  kind: 'comment_command';
  pr: number;
  commentId: number;
  actor: string;
  command: ParsedCommand;
}

export interface MapOptions {
  /** Our GitHub App's bot login (e.g. `prenv[bot]`): its own comments are never commands. */
  appLogin: string;
}

/** Maps a webhook (`X-GitHub-Event` name and parsed JSON body) to a domain event. */
export function mapWebhook(name: string, payload: unknown, options: MapOptions): DomainEvent {
  if (name === 'pull_request') return mapPullRequest(payload);
  if (name === 'issue_comment') return mapIssueComment(payload, options);
  return ignored(`${name} events are not handled`);
}

function mapPullRequest(payload: unknown): DomainEvent {
  const action = str(payload, 'action') ?? '(no action)';
  const pull = toPullRequestRef(obj(payload, 'pull_request'));
  if (!pull) return ignored(`pull_request.${action}: payload has no usable pull_request`);
  switch (action) {
    case 'opened':
    case 'reopened':
      return pull.draft
        ? ignored(`pull_request.${action}: draft pull request`)
        : { kind: 'pr_opened', pull };
    case 'ready_for_review':
      return { kind: 'pr_opened', pull: { ...pull, draft: false } };
    case 'synchronize':
      return pull.draft
        ? ignored('pull_request.synchronize: draft pull request')
        : { kind: 'pr_updated', pull };
    case 'closed':
      return { kind: 'pr_closed', pull: { ...pull, state: 'closed' } };
    case 'converted_to_draft':
      return { kind: 'pr_drafted', pull: { ...pull, draft: true } };
    default:
      return ignored(`pull_request.${action} is not handled`);
  }
}

function mapIssueComment(payload: unknown, options: MapOptions): DomainEvent {
  const action = str(payload, 'action') ?? '(no action)';
  if (action !== 'created') return ignored(`issue_comment.${action} is not handled`);
  const issue = obj(payload, 'issue');
  const comment = obj(payload, 'comment');
  if (!has(issue, 'pull_request')) return ignored('comment on an issue, not a pull request');
  const sender = obj(payload, 'sender');
  const actor = str(comment && obj(comment, 'user'), 'login') ?? str(sender, 'login');
  if (isBot(sender, options.appLogin) || isBot(comment && obj(comment, 'user'), options.appLogin))
    return ignored('comment by a bot');
  const pr = num(issue, 'number');
  const commentId = num(comment, 'id');
  const body = str(comment, 'body');
  if (pr === undefined || commentId === undefined || body === undefined || actor === undefined)
    return ignored('issue_comment.created: payload lacks issue number, comment or author');
  const command = parseCommand(body);
  if (!command) return ignored('comment holds no command');
  return { kind: 'comment_command', pr, commentId, actor, command };
}

function isBot(user: unknown, appLogin: string): boolean {
  if (!user) return false;
  const login = str(user, 'login') ?? '';
  return (
    str(user, 'type') === 'Bot' ||
    login.endsWith('[bot]') ||
    login.toLowerCase() === appLogin.toLowerCase()
  );
}

/** The PR fields we use; `undefined` when the payload lacks the essentials. */
export function toPullRequestRef(pr: unknown): PullRequestRef | undefined {
  const head = obj(pr, 'head');
  const base = obj(pr, 'base');
  const number = num(pr, 'number');
  const headSha = str(head, 'sha');
  if (number === undefined || headSha === undefined || !base) return undefined;
  const headRepo = str(obj(head, 'repo'), 'full_name');
  const baseRepo = str(obj(base, 'repo'), 'full_name');
  return {
    number,
    headSha,
    headRef: str(head, 'ref') ?? '',
    baseRef: str(base, 'ref') ?? '',
    title: str(pr, 'title') ?? '',
    author: str(obj(pr, 'user'), 'login') ?? '',
    draft: bool(pr, 'draft') ?? false,
    fork: headRepo === undefined || headRepo !== baseRepo,
    state: str(pr, 'state') === 'closed' ? 'closed' : 'open',
    merged: bool(pr, 'merged') ?? false,
  };
}

function ignored(reason: string): DomainEvent {
  return { kind: 'ignored', reason };
}
