import type { CommandEvent, Reaction, ReplyReason } from './actions.js';
import type { CommandName } from './commands.js';
import type { PullRequestRef } from './model.js';
import type { Draft } from './plan-context.js';
import { checkApproval } from './fork-approval.js';
import * as msg from './messages.js';
import { mergePull } from './pull-facts.js';
import { converge, ensureEnv, markDirty } from './planner-converge.js';

/** Refusals a user should read: the command is answered with 👎 and a reply saying why. */
type Refusal = { reason: ReplyReason; body: string };

/**
 * `command` (a comment or the maintainer CLI): refused with a reason, or carried out by setting
 * what the env should run and converging.
 */
export function onCommand(d: Draft, event: CommandEvent): void {
  const { command, actor, permission } = event;
  const text = command.kind === 'command' ? `/${command.name}` : `/${command.word}`;
  if (!msg.ALLOWED_PERMISSIONS.includes(permission))
    return refuse(d, event, {
      reason: 'permission',
      body: msg.permissionRefusal(actor, text, permission),
    });
  if (command.kind === 'unknown') {
    react(d, event, 'confused');
    return reply(d, event, 'unknown_command', msg.unknownCommand(command.word, command.suggestion));
  }
  const refusal = refusalFor(d, event.pull, command.name) ?? approvalRefusal(d, event);
  if (refusal) return refuse(d, event, refusal);
  react(d, event, 'eyes');
  const env = ensureEnv(d, event.pull);
  env.lastActivityAt = d.ctx.now;
  switch (command.name) {
    case 'help':
      return reply(d, event, 'help', msg.HELP);
    case 'status':
      return markDirty(d, env);
    case 'destroy':
      env.manualOverride = { reason: 'destroy_command', by: actor, at: d.ctx.now };
      if (env.pull.fork) env.approvedSha = null;
      converge(d, env);
      return markDirty(d, env);
    case 'deploy':
    case 'redeploy':
      env.manualOverride = null;
      if (env.pull.fork) env.approvedSha = env.pull.headSha;
      env.desiredSha = env.pull.headSha;
      if (env.failure) env.failure.attempts = 0;
      converge(d, env, { retryFailed: true, forceRedeploy: command.name === 'redeploy' });
      return markDirty(d, env);
  }
}

function refusalFor(d: Draft, pull: PullRequestRef, name: CommandName): Refusal | null {
  if (name !== 'deploy' && name !== 'redeploy') return null;
  if (pull.state === 'closed') return { reason: 'closed', body: msg.closedRefusal(name) };
  if (pull.draft) return { reason: 'draft', body: msg.draftRefusal(name) };
  if (pull.fork && d.ctx.forks === 'never') return { reason: 'fork_never', body: msg.FORK_NEVER };
  return null;
}

/** A deploy the comment does not cover: the head moved since, or is not the commit named. */
function approvalRefusal(d: Draft, event: CommandEvent): Refusal | null {
  const pull = mergePull(d.world.envs[event.pull.number]?.pull, event.pull);
  const check = checkApproval(pull, event);
  return check.ok ? null : { reason: check.reason, body: check.body };
}

function refuse(d: Draft, event: CommandEvent, refusal: Refusal): void {
  react(d, event, '-1');
  reply(d, event, refusal.reason, refusal.body);
}

function react(d: Draft, event: CommandEvent, reaction: Reaction): void {
  if (event.commentId === null) return;
  d.actions.push({ kind: 'react', pr: event.pull.number, commentId: event.commentId, reaction });
}

function reply(d: Draft, event: CommandEvent, reason: ReplyReason, body: string): void {
  d.actions.push({
    kind: 'reply',
    pr: event.pull.number,
    inReplyTo: event.commentId,
    reason,
    body,
  });
}
