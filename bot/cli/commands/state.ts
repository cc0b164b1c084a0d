import type { CommandSpec } from '../command-spec.js';

const STATE_OPTION = {
  flags: '--state <target>',
  description:
    'the store: a SQLite file or consul://host:port/kv-folder (default: PRENV_STATE, then `state` in prenv.yml)',
};

export const stateCommand: CommandSpec = {
  name: 'state',
  description: "move the bot's state between stores (SQLite, Consul KV) as versioned JSON",
  subcommands: [
    {
      name: 'export',
      description: 'write the world, the queued deliveries and the dead letters as JSON',
      options: [
        STATE_OPTION,
        { flags: '--out <file>', description: 'write to this file (mode 0600) instead of stdout' },
        { flags: '--force', description: 'overwrite an existing --out file' },
      ],
      load: () => import('../actions/state-export.js'),
    },
    {
      name: 'import',
      description: 'load an export into an empty store (stop the bot first)',
      arguments: [['<file>', 'the export, or - for stdin']],
      options: [STATE_OPTION, { flags: '--json', description: 'print the outcome as JSON' }],
      load: () => import('../actions/state-import.js'),
    },
  ],
};
