import type { CommandSpec } from '../command-spec.js';

export const listCommand: CommandSpec = {
  name: 'list',
  description: 'list production, staging and every PR environment with state, URL, commit and cost',
  options: [{ flags: '--json', description: 'print the list as JSON' }],
  load: () => import('../actions/list.js'),
};
