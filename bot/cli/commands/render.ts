import type { CommandSpec } from '../command-spec.js';
import { ENV_ARGUMENT, PR_NUMBER_ARGUMENT } from './env-argument.js';

export const renderCommand: CommandSpec = {
  name: 'render',
  description: 'render the Nomad jobs, Caddy config and Terraform variables of an environment',
  arguments: [
    [ENV_ARGUMENT[0], `${ENV_ARGUMENT[1]}; or bot (the prenv bot's own Nomad job)`],
    PR_NUMBER_ARGUMENT,
  ],
  options: [
    { flags: '--sha <sha>', description: 'commit SHA or image tag for {{sha}}' },
    { flags: '--branch <name>', description: 'head branch of the pull request (job meta)' },
    { flags: '--title <text>', description: 'title of the pull request (job meta)' },
    {
      flags: '--image <ref>',
      description: "with bot: the image built from prenv's Dockerfile",
    },
    {
      flags: '--host <name>',
      description: 'with bot: the webhook host (default: prenv.<domain>)',
    },
    { flags: '--out <dir>', description: 'output folder (default: rendered/<env>)' },
    { flags: '--check', description: 'render and validate without writing' },
    { flags: '--json', description: 'print the files and validation results as JSON' },
  ],
  load: () => import('../actions/render.js'),
};
