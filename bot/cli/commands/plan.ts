import type { CommandSpec } from '../command-spec.js';
import { ENV_ARGUMENTS } from './env-argument.js';

export const planCommand: CommandSpec = {
  name: 'plan',
  description:
    'show what a deploy would change: Terraform plan and Nomad plan diff (changes nothing)',
  arguments: ENV_ARGUMENTS,
  options: [
    {
      flags: '--sha <sha>',
      description: 'commit to plan (default: the one deployed, or the PR env’s desired one)',
    },
    {
      flags: '--steps',
      description: 'print the steps a deploy would run, without a Terraform or Nomad plan',
    },
    { flags: '--json', description: 'print the plan as JSON' },
  ],
  load: () => import('../actions/plan.js'),
};
