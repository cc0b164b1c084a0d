import { sameAsciiName } from './ascii-case.js';
import type { ParsedCommand } from './commands.js';
import { parseCommand } from './commands.js';
import type { PullRequestRef } from './model.js';
import { has, obj, str } from './payload.js';
import * as field from './payload-fields.js';
import { PayloadFieldError } from './payload-fields.js';

/** Our own small events, mapped from GitHub webhooks at the edge. */
export type DomainEvent =
  | { kind: 'pr_opened'; pull: PullRequestRef }
  | { kind: 'pr_updated'; pull: PullRequestRef }
  | { kind: 'pr_closed'; pull: PullRequestRef }
  | { kind: 'pr_drafted'; pull: PullRequestRef }
  | CommentCommandEvent
  | BranchPushedEvent
  | ChecksChangedEvent
  | { kind: 'ignored'; reason: string };

/** A push to a branch of the repository (GitHub's `push` event; tags and deletions are ignored). */
export interface BranchPushedEvent {
  kind: 'branch_pushed';
  branch: string;
  sha: string;
  /** The repository's default branch, which deploys production unless the config names one. */
  defaultBranch: string;
}

/** A commit's checks moved (`check_suite` completed, or a `status` that is not `pending`). */
export interface ChecksChangedEvent {
  kind: 'checks_changed';
  sha: string;
}

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
  /** When the comment was written (GitHub's `comment.created_at`, ISO 8601 UTC). */
  writtenAt: string;
}

/** A signed delivery with a value GitHub never sends; answered 400 naming the field. */
export interface InvalidDelivery {
  kind: 'invalid';
  field: string;
  message: string;
}

export interface MapOptions {
  /** Our GitHub App's bot login (e.g. `prenv[bot]`): its own comments are never commands. */
  appLogin: string;
  /** `owner/repo` of the configured repository; deliveries for any other are ignored. */
  repository: string;
}

/**
 * Maps a webhook (`X-GitHub-Event` name and parsed JSON body) to a domain event. Deliveries of
 * another repository (`repository.full_name`, compared without case) are ignored, with the
 * reason; a handled delivery whose fields GitHub would never send is `invalid`.
 */
export function mapWebhook(
  name: string,
  payload: unknown,
  options: MapOptions,
): DomainEvent | InvalidDelivery {
  if (!HANDLED_EVENTS.has(name)) return ignored(`${name} events are not handled`);
  const repository = field.repositoryName(payload);
  if (repository === undefined) return ignored(`${name}: the delivery names no repository`);
  if (!sameAsciiName(repository, options.repository))
    return ignored(`${name}: repository ${repository} is not ${options.repository}`);
  try {
    switch (name) {
      case 'pull_request':
        return mapPullRequest(payload);
      case 'issue_comment':
        return mapIssueComment(payload, options);
      case 'push':
        return mapPush(payload);
      case 'check_suite':
        return mapCheckSuite(payload);
      default:
        return mapStatus(payload);
    }
  } catch (err) {
    if (err instanceof PayloadFieldError)
      return { kind: 'invalid', field: err.field, message: err.message };
    throw err;
  }
}

const HANDLED_EVENTS = new Set(['pull_request', 'issue_comment', 'push', 'check_suite', 'status']);

/** GitHub's `push` webhook: `ref`, `after`, `deleted` and `repository.default_branch`. */
function mapPush(payload: unknown): DomainEvent {
  const ref = field.nonEmptyString(payload, 'ref');
  if (!ref.startsWith('refs/heads/')) return ignored(`push of ${ref}, not a branch`);
  const branch = ref.slice('refs/heads/'.length);
  if (field.flag(payload, 'deleted', false)) return ignored(`push deleted branch ${branch}`);
  return {
    kind: 'branch_pushed',
    branch,
    sha: field.commitSha(payload, 'after'),
    defaultBranch: field.nonEmptyString(payload, 'repository.default_branch'),
  };
}

function mapCheckSuite(payload: unknown): DomainEvent {
  const action = field.action(payload, 'check_suite');
  if (action !== 'completed') return ignored(`check_suite.${action} is not handled`);
  return { kind: 'checks_changed', sha: field.commitSha(payload, 'check_suite.head_sha') };
}

function mapStatus(payload: unknown): DomainEvent {
  const state = field.oneOf(payload, 'state', ['pending', 'success', 'failure', 'error'] as const);
  if (state === 'pending') return ignored('status: pending changes nothing');
  return { kind: 'checks_changed', sha: field.commitSha(payload, 'sha') };
}

function mapPullRequest(payload: unknown): DomainEvent {
  const action = field.action(payload, 'pull_request');
  const handled = ['opened', 'reopened', 'ready_for_review', 'synchronize', 'closed'];
  if (!handled.includes(action) && action !== 'converted_to_draft')
    return ignored(`pull_request.${action} is not handled`);
  const pull = readPullRequest(payload);
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
    default:
      return { kind: 'pr_drafted', pull: { ...pull, draft: true } };
  }
}

function mapIssueComment(payload: unknown, options: MapOptions): DomainEvent {
  const action = field.action(payload, 'issue_comment');
  if (action !== 'created') return ignored(`issue_comment.${action} is not handled`);
  const issue = obj(payload, 'issue');
  const comment = obj(payload, 'comment');
  if (!has(issue, 'pull_request')) return ignored('comment on an issue, not a pull request');
  const sender = obj(payload, 'sender');
  if (isBot(sender, options.appLogin) || isBot(comment && obj(comment, 'user'), options.appLogin))
    return ignored('comment by a bot');
  const pr = field.positiveInteger(payload, 'issue.number');
  const commentId = field.positiveInteger(payload, 'comment.id');
  const actor = field.nonEmptyString(payload, 'comment.user.login');
  const writtenAt = field.timestamp(payload, 'comment.created_at');
  const body = field.at(payload, 'comment.body');
  if (typeof body !== 'string') throw new PayloadFieldError('comment.body', 'a string', body);
  const command = parseCommand(body);
  if (!command) return ignored('comment holds no command');
  return { kind: 'comment_command', pr, commentId, actor, command, writtenAt };
}

function isBot(user: unknown, appLogin: string): boolean {
  if (!user) return false;
  const login = str(user, 'login') ?? '';
  return str(user, 'type') === 'Bot' || login.endsWith('[bot]') || sameAsciiName(login, appLogin);
}

/** The PR fields we use, checked: throws `PayloadFieldError` naming the first field that is off. */
function readPullRequest(payload: unknown): PullRequestRef {
  const pr = field.object(payload, 'pull_request');
  field.object(payload, 'pull_request.base');
  const head = obj(pr, 'head');
  const base = obj(pr, 'base');
  const headRepo = str(obj(head, 'repo'), 'full_name');
  const baseRepo = str(obj(base, 'repo'), 'full_name');
  return {
    number: field.positiveInteger(payload, 'pull_request.number'),
    headSha: field.commitSha(payload, 'pull_request.head.sha'),
    headRef: str(head, 'ref') ?? '',
    baseRef: str(base, 'ref') ?? '',
    title: str(pr, 'title') ?? '',
    author: str(obj(pr, 'user'), 'login') ?? '',
    draft: field.flag(payload, 'pull_request.draft', false),
    fork: headRepo === undefined || headRepo !== baseRepo,
    state: field.oneOf(payload, 'pull_request.state', ['open', 'closed'] as const),
    merged: field.flag(payload, 'pull_request.merged', false),
    updatedAt: field.timestamp(payload, 'pull_request.updated_at'),
  };
}

function ignored(reason: string): DomainEvent {
  return { kind: 'ignored', reason };
}
