import type { CommandSpec } from '../command-spec.js';

export const renderCommand: CommandSpec = {
  name: 'render',
  description: 'render the Nomad jobs, Caddy config and Terraform variables of an environment',
  arguments: [
    ['<env>', "production, staging, pr, or bot (the prenv bot's own Nomad job)"],
    ['[number]', 'pull request number (with pr)'],
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
