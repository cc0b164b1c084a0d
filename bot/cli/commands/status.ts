import type { CommandSpec } from '../command-spec.js';

export const statusCommand: CommandSpec = {
  name: 'status',
  description: 'show one environment in detail: state, commits, queue, run, failure, TTL, cost',
  arguments: [
    ['<env>', 'production, staging, pr-<n>, <n> or pr <n>'],
    ['[number]', 'pull request number (after pr)'],
  ],
  options: [{ flags: '--json', description: 'print the status as JSON' }],
  load: () => import('../actions/status.js'),
};
