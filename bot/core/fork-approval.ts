/**
 * What a maintainer's `/deploy` (or `/redeploy`) approves. A fork's code runs with the preview
 * secrets only at a commit a maintainer saw: the head when the comment was written, or the
 * commit the comment names. A head that moved since (a push racing the comment) is not covered.
 */
import type { CommandEvent } from './actions.js';
import { codeSpan } from './markdown.js';
import type { PullRequestRef } from './model.js';
import { shortSha } from './model.js';
import { timeOf } from './pull-facts.js';

export type ApprovalCheck = { ok: true } | { ok: false; body: string };

/**
 * Checks a deploy command against the PR's current head (`pull`, merged with what the world
 * knew, so `headSince` is the earliest time the head was seen).
 * - `/deploy <sha>`: the head must start with that SHA (any PR: deploying another commit than
 *   the one named would surprise the commenter);
 * - a fork without a SHA: the head must have been seen before the comment was written
 *   (`headSince` strictly earlier than `writtenAt`: GitHub's times have one-second resolution, a
 *   push in the same second as the comment may have followed it).
 * Commands without a comment time (the maintainer CLI) approve the head they are given.
 */
export function checkApproval(pull: PullRequestRef, event: CommandEvent): ApprovalCheck {
  const { command } = event;
  if (command.kind !== 'command') return { ok: true };
  if (command.name !== 'deploy' && command.name !== 'redeploy') return { ok: true };
  const name = `/${command.name}`;
  const head = shortSha(pull.headSha)!;
  if (command.sha !== undefined) {
    if (pull.headSha.toLowerCase().startsWith(command.sha)) return { ok: true };
    return {
      ok: false,
      body:
        `${codeSpan(`${name} ${command.sha}`)} names a commit that is not the head of this pull ` +
        `request (the head is ${codeSpan(head)}), so nothing was deployed. Review the new ` +
        `commits, then comment ${codeSpan(`${name} ${head}`)}.`,
    };
  }
  if (!pull.fork || event.writtenAt === null) return { ok: true };
  const since = timeOf(pull.headSince);
  const written = timeOf(event.writtenAt);
  if (since !== undefined && written !== undefined && since < written) return { ok: true };
  return {
    ok: false,
    body:
      `Nothing was deployed: the head of this fork’s pull request is now ${codeSpan(head)}, ` +
      `and it cannot be shown to be the commit that was the head when ${codeSpan(name)} was ` +
      `written (new commits may have been pushed since). Review them, then comment ` +
      `${codeSpan(`${name} ${head}`)} to deploy exactly that commit.`,
  };
}
