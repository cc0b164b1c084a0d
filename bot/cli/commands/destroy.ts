import type { CommandSpec } from '../command-spec.js';
import { ENV_ARGUMENTS } from './env-argument.js';

export const destroyCommand: CommandSpec = {
  name: 'destroy',
  description: 'destroy the environment of a pull request, or staging or production',
  arguments: ENV_ARGUMENTS,
  options: [
    {
      flags: '--yes',
      description: 'do not ask for confirmation (needed for production and staging off a terminal)',
    },
    {
      flags: '--take-over',
      description:
        'with a PR: take over its run in flight that has no live prenv command as owner (one the bot started, or an older prenv left); never while the bot runs',
    },
    { flags: '--json', description: 'print the result as one JSON object on stdout' },
  ],
  load: () => import('../actions/destroy.js'),
};
