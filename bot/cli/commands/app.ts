import type { CommandSpec } from '../command-spec.js';
import { CREDENTIAL_STORES } from '../credential-stores.js';
import type { WholeNumberRule } from '../../core/whole-number-setting.js';
import { PORT_RULE } from '../whole-number-option.js';

/** `--timeout`: Node's timers hold at most 2^31-1 ms, about 35791 minutes. */
const TIMEOUT_MINUTES: WholeNumberRule = {
  what: 'a whole number of minutes',
  min: 1,
  max: Math.floor((2 ** 31 - 1) / 60_000),
  example: 10,
  why: "Node's timers hold at most 2^31-1 ms",
};

export const appCommand: CommandSpec = {
  name: 'app',
  description: 'the GitHub App of the bot',
  subcommands: [
    {
      name: 'create',
      description:
        "create the bot's GitHub App in one step (GitHub's manifest flow) and save its credentials",
      options: [
        {
          flags: '--name <name>',
          description: 'name of the App on GitHub (default: <project>-prenv)',
        },
        {
          flags: '--webhook-url <url>',
          description:
            'where GitHub posts webhooks (default: https://prenv.<domain>/webhooks/github)',
        },
        {
          flags: '--public-url <url>',
          description:
            "the bot's public base URL; the App's OAuth callback is <url>/auth/callback (default: PRENV_PUBLIC_URL, else the webhook URL's origin)",
        },
        {
          flags: '--homepage <url>',
          description: "the App's homepage (default: the repository in prenv.yml)",
        },
        { flags: '--org <org>', description: 'create the App under this organization' },
        {
          flags: '--port <n>',
          description: 'local port for the redirect from GitHub (0: a free one)',
          default: '0',
          whole: PORT_RULE,
        },
        {
          flags: '--out <file>',
          description: 'credentials file, written with mode 0600',
          default: '.prenv/github-app.env',
        },
        { flags: '--force', description: 'overwrite an existing credentials file' },
        {
          flags: '--print <store>',
          description: 'print the commands that store the credentials',
          default: 'nomad',
          choices: CREDENTIAL_STORES,
        },
        { flags: '--open', description: 'open the page in the browser (xdg-open, open)' },
        {
          flags: '--timeout <minutes>',
          description: 'how long to wait for GitHub',
          default: '10',
          whole: TIMEOUT_MINUTES,
        },
        { flags: '--json', description: 'print the result as one JSON object' },
      ],
      load: () => import('../actions/app-create.js'),
    },
  ],
};
