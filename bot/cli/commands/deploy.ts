import type { CommandSpec } from '../command-spec.js';
import { ENV_ARGUMENTS } from './env-argument.js';

export const deployCommand: CommandSpec = {
  name: 'deploy',
  description: 'deploy production, staging or the environment of a pull request',
  arguments: ENV_ARGUMENTS,
  options: [
    {
      flags: '--sha <sha>',
      description: "commit SHA or image tag for {{sha}} (default for pr: the PR's head)",
    },
    {
      flags: '--yes',
      description: 'do not ask for confirmation (needed for production off a terminal)',
    },
    {
      flags: '--allow-dirty',
      description: 'deploy production even if templates or prenv.yml are not committed',
    },
    {
      flags: '--allow-server-changes',
      description:
        'apply a Terraform plan that updates, replaces or deletes a production or staging server',
    },
    {
      flags: '--skip-preflight',
      description:
        "do not first check that the cluster's Nomad, Consul and Caddy admin API answer (3 s each)",
    },
    {
      flags: '--take-over',
      description:
        'with a PR: take over its run in flight that has no live prenv command as owner (one the bot started, or an older prenv left); never while the bot runs',
    },
    { flags: '--json', description: 'print the result as one JSON object on stdout' },
  ],
  load: () => import('../actions/deploy.js'),
};
