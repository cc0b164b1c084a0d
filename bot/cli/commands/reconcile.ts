import type { CommandSpec } from '../command-spec.js';

export const reconcileCommand: CommandSpec = {
  name: 'reconcile',
  description:
    'compare open PRs on GitHub with the state, servers and jobs; destroy orphans and repair lost events',
  options: [
    { flags: '--dry-run', description: 'print what would be done and change nothing' },
    { flags: '--json', description: 'print the findings and what was done as JSON' },
  ],
  load: () => import('../actions/reconcile.js'),
};
