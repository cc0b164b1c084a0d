import type { Permission } from './actions.js';
import type { CommandName } from './commands.js';
import { codeSpan } from './markdown.js';

export const ALLOWED_PERMISSIONS: readonly Permission[] = ['admin', 'maintain', 'write'];

export function permissionRefusal(actor: string, command: string, permission: Permission): string {
  return (
    `${codeSpan(actor)} cannot run ${codeSpan(command)} here: preview commands need write, ` +
    `maintain or admin permission on this repository (${codeSpan(actor)} has ${permission}). ` +
    'Ask a maintainer to run it.'
  );
}

export function closedRefusal(command: CommandName): string {
  return `${codeSpan(`/${command}`)} was not run: this pull request is closed. Reopen it first.`;
}

export function draftRefusal(command: CommandName): string {
  return (
    `${codeSpan(`/${command}`)} was not run: draft pull requests get no environment. ` +
    'Mark it ready for review and it deploys by itself.'
  );
}

export const FORK_NOTICE =
  'This pull request comes from a fork, so it is not deployed automatically (its code would ' +
  'run with this project’s secrets). A maintainer can comment `/deploy` to deploy the head ' +
  'commit as it is when the comment is written (or `/deploy <sha>` to name it); later pushes ' +
  'need another `/deploy` or `/redeploy`.';

export const FORK_NEVER =
  'Pull requests from forks are never deployed in this repository (`previews.forks: never`).';

export function unknownCommand(word: string, suggestion: CommandName): string {
  return `Unknown command ${codeSpan(`/${word}`)}. Did you mean ${codeSpan(`/${suggestion}`)}?`;
}

export const HELP = [
  'Preview environment commands (write, maintain or admin permission needed; one per comment, at the start of a line of plain text, not in code, quotes or lists):',
  '',
  '| command | what it does |',
  '| --- | --- |',
  '| `/deploy` or `/deploy <sha>` | deploy the head commit (retries a failed environment at once; approves a fork’s head commit as it was when you wrote the comment); with a SHA, only if that commit is the head |',
  '| `/redeploy` | deploy the head commit again, even if it is already live |',
  '| `/destroy` | destroy the environment and keep it destroyed until `/deploy` |',
  '| `/status` | refresh the status comment |',
  '| `/help` | show this help |',
].join('\n');
