import type { CommandSpec } from '../command-spec.js';

export const costCommand: CommandSpec = {
  name: 'cost',
  description:
    'what the servers cost now, this month, and at most with the preview cap (Hetzner prices)',
  options: [{ flags: '--json', description: 'print the report as JSON' }],
  load: () => import('../actions/cost.js'),
};
