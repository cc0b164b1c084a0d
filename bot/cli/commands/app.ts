import type { CommandSpec } from '../command-spec.js';
import { CREDENTIAL_STORES } from '../credential-stores.js';

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
        },
        { flags: '--json', description: 'print the result as one JSON object' },
      ],
      load: () => import('../actions/app-create.js'),
    },
  ],
};
