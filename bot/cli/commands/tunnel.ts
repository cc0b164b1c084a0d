import type { CommandSpec } from '../command-spec.js';

export const tunnelCommand: CommandSpec = {
  name: 'tunnel',
  description:
    "forward production's or staging's Nomad, Consul and Caddy admin APIs to this machine over SSH",
  arguments: [['<env>', 'production or staging']],
  options: [
    {
      flags: '--ssh <destination>',
      description:
        'user@address of a server of the environment (default: PRENV_SSH, PRENV_STAGING_SSH for staging)',
    },
    { flags: '--print', description: 'print the ssh command and the variables, and exit' },
  ],
  load: () => import('../actions/tunnel.js'),
};
