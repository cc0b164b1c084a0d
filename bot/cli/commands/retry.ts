import type { CommandSpec } from '../command-spec.js';

export const retryCommand: CommandSpec = {
  name: 'retry',
  description:
    'put a dead-lettered webhook delivery back in the bot’s queue (`prenv list` shows them)',
  arguments: [['<delivery>', 'the delivery id (X-GitHub-Delivery) of a dead letter']],
  options: [{ flags: '--json', description: 'print the outcome as JSON' }],
  load: () => import('../actions/retry.js'),
};
