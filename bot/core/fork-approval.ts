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

export type ApprovalCheck =
  { ok: true } | { ok: false; reason: 'head_moved' | 'not_a_commit'; body: string };

/**
 * Checks a deploy command against the PR's current head (`pull`, merged with what the world
 * knew, so `headSince` is the earliest time the head was seen).
 * - `/deploy <word>` where the word is written like a commit but is not a SHA (`3f2c9a`): refused,
 *   never read as a plain `/deploy` approving whatever the head is;
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
  if (command.notSha !== undefined)
    return {
      ok: false,
      reason: 'not_a_commit',
      body:
        `${codeSpan(`${name} ${command.notSha}`)} does not name a commit: give 7 to 40 ` +
        `hexadecimal digits of its SHA, e.g. ${codeSpan(`${name} ${head}`)} for the head of this ` +
        `pull request. Nothing was deployed.`,
    };
  if (command.sha !== undefined) {
    if (pull.headSha.toLowerCase().startsWith(command.sha)) return { ok: true };
    return {
      ok: false,
      reason: 'head_moved',
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
    reason: 'head_moved',
    body:
      `Nothing was deployed: the head of this fork’s pull request is now ${codeSpan(head)}, ` +
      `and it cannot be shown to be the commit that was the head when ${codeSpan(name)} was ` +
      `written (new commits may have been pushed since). Review them, then comment ` +
      `${codeSpan(`${name} ${head}`)} to deploy exactly that commit.`,
  };
}
