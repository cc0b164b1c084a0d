import type { CommandSpec } from '../command-spec.js';

export const initCommand: CommandSpec = {
  name: 'init',
  description: 'write prenv.yml from a Compose file',
  options: [
    {
      flags: '--from-compose <file>',
      description: 'the docker-compose.yml to start from',
      required: true,
    },
    { flags: '--out <file>', description: 'where to write prenv.yml', default: 'prenv.yml' },
    {
      flags: '--project <name>',
      description: 'project name (default: Compose `name`, or the folder name)',
    },
    {
      flags: '--github <owner/repo>',
      description: 'the GitHub repository whose pull requests get environments',
    },
    {
      flags: '--domain <domain>',
      description: 'the application domain (default: <project>.example.com)',
    },
    {
      flags: '--env-file <file>',
      description: 'variables for ${VAR} in the Compose file (repeatable; default: .env beside it)',
      repeatable: true,
    },
    {
      flags: '--profile <name>',
      description: 'include the services of this Compose profile (repeatable)',
      repeatable: true,
    },
    { flags: '--force', description: 'overwrite an existing file' },
    { flags: '--json', description: 'print what was written, routed, dropped and checked as JSON' },
  ],
  load: () => import('../actions/init.js'),
};
