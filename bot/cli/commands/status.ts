import type { CommandSpec } from '../command-spec.js';
import { ENV_ARGUMENTS } from './env-argument.js';

export const statusCommand: CommandSpec = {
  name: 'status',
  description: 'show one environment in detail: state, commits, queue, run, failure, TTL, cost',
  arguments: ENV_ARGUMENTS,
  options: [{ flags: '--json', description: 'print the status as JSON' }],
  load: () => import('../actions/status.js'),
};
