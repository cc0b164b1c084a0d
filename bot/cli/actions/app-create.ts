import { existsSync } from 'node:fs';
import { chmod, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { startManifestFlow } from '../../adapters/github/app-manifest-flow.js';
import {
  appCredentials,
  appManifest,
  credentialsFile,
  oauthCallbackUrl,
  type AppConversion,
} from '../../core/app-manifest.js';
import { githubLoginProblem } from '../../config/github-login.js';
import { BOT_FILE_ITEMS, BOT_VARIABLE_ITEMS } from '../../../generators/nomad/bot-job.js';
import type { ActionInput } from '../command-spec.js';
import type { CredentialStore } from '../credential-stores.js';
import { readConfigFile } from '../config-file.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { pathOption } from '../path-option.js';
import { makeDirs } from '../../adapters/system/make-dirs.js';

interface AppCreateOptions {
  name?: string;
  webhookUrl?: string;
  publicUrl?: string;
  homepage?: string;
  org?: string;
  /** Parsed by commander (`whole`), as is `timeout`. */
  port: number;
  out: string;
  force?: boolean;
  print: string;
  open?: boolean;
  timeout: number;
  json?: boolean;
}

type Store = CredentialStore;

export async function action({
  ctx,
  program,
  opts,
}: ActionInput<AppCreateOptions>): Promise<ExitCodeValue> {
  const { port, timeout: minutes } = opts;
  // commander has refused any other value (the option's choices).
  const store = opts.print as Store;
  if (opts.org !== undefined) {
    const problem = githubLoginProblem(opts.org);
    if (problem)
      throw new CliError(
        `--org must be a GitHub organization name: "${opts.org}" ${problem}`,
        ExitCode.usage,
      );
  }
  const names = await appNames(ctx, program.opts<{ config: string }>().config, opts);
  const out = path.resolve(ctx.cwd, pathOption('--out', opts.out));
  if (existsSync(out) && !opts.force)
    throw new CliError(
      `${opts.out} exists; pass --force to replace it (it holds another App's private key)`,
      ExitCode.refused,
    );
  // GitHub shows the App's private key once: its folder must exist before the App does.
  await makeDirs(path.dirname(out)).catch((err: NodeJS.ErrnoException) => {
    if (err.code === undefined) throw err;
    throw new CliError(`cannot write ${opts.out} (${err.code}): check --out`, ExitCode.usage);
  });

  const flow = await startManifestFlow({
    manifest: (redirectUrl) =>
      appManifest({
        name: names.name,
        url: names.homepage,
        webhookUrl: names.webhookUrl,
        publicUrl: names.publicUrl,
        redirectUrl,
      }),
    webUrl: ctx.env.PRENV_GITHUB_WEB_URL || 'https://github.com',
    apiUrl: ctx.env.PRENV_GITHUB_API_URL || 'https://api.github.com',
    ...(opts.org ? { org: opts.org } : {}),
    port,
    timeoutMs: minutes * 60_000,
    onReady: (url) => {
      ctx.stderr(
        `Open ${url} in a browser on this machine: it sends the App's manifest to GitHub ` +
          `(${opts.org ? `organization ${opts.org}` : 'your account'}); confirm there, and GitHub ` +
          'sends the browser back here.\n',
      );
      if (opts.open) void openBrowser(url);
    },
  });
  let app: AppConversion;
  try {
    app = await flow.result;
  } catch (err) {
    throw new CliError(`the GitHub App was not created: ${(err as Error).message}`);
  }
  await writeCredentials(out, credentialsFile(app));
  const installUrl = `${app.html_url.replace(/\/+$/, '')}/installations/new`;
  const written = appCredentials(app).map(([name]) => name);
  const callbackUrl = oauthCallbackUrl(names.publicUrl);
  if (opts.json) {
    ctx.stdout(
      `${JSON.stringify({ id: app.id, slug: app.slug ?? null, htmlUrl: app.html_url, installUrl, file: out, variables: written, publicUrl: names.publicUrl, callbackUrl }, null, 2)}\n`,
    );
    return ExitCode.ok;
  }
  const lines = [
    `GitHub App ${app.slug ?? app.id} (id ${app.id}) created: ${app.html_url}`,
    `Credentials written to ${opts.out} (mode 0600): ${written.join(', ')}`,
  ];
  if (!app.webhook_secret)
    lines.push(
      'GitHub returned no webhook secret: set one in the App settings and put it in PRENV_WEBHOOK_SECRET.',
    );
  lines.push(
    '',
    'Next:',
    `  1. Install the App on the repository: ${installUrl}`,
    '     The page you land on ends in /installations/<id>: that id is PRENV_INSTALLATION_ID.',
    `     Give the bot PRENV_PUBLIC_URL=${names.publicUrl}: sign-in with GitHub returns to ${callbackUrl}, the App's callback URL.`,
    ...storeCommands(store, opts.out).map((l) => `  ${l}`),
  );
  ctx.stdout(`${lines.join('\n')}\n`);
  return ExitCode.ok;
}

async function appNames(
  ctx: CliContext,
  configFile: string,
  opts: AppCreateOptions,
): Promise<{ name: string; webhookUrl: string; publicUrl: string; homepage: string }> {
  const loaded = await readConfigFile(configFile, ctx.cwd);
  const config = loaded.ok ? loaded.config : null;
  const name = opts.name ?? (config ? `${config.project}-prenv` : undefined);
  const webhookUrl =
    opts.webhookUrl ?? (config ? `https://prenv.${config.domain}/webhooks/github` : undefined);
  const homepage =
    opts.homepage ??
    (config ? `https://github.com/${config.github.owner}/${config.github.repo}` : undefined);
  if (!name || !webhookUrl || !homepage)
    throw new CliError(
      `no ${configFile} to take the App's defaults from: pass --name, --webhook-url and --homepage`,
      ExitCode.usage,
    );
  for (const [flag, url] of [
    ['--webhook-url', webhookUrl],
    ['--homepage', homepage],
  ] as const) {
    if (!/^https?:\/\/[^\s/]+/.test(url))
      throw new CliError(`${flag} must be an http(s) URL, got "${url}"`, ExitCode.usage);
  }
  const publicUrl = appPublicUrl(opts.publicUrl ?? ctx.env.PRENV_PUBLIC_URL, webhookUrl);
  if (name.length > 34)
    throw new CliError(`GitHub App names have at most 34 characters: "${name}"`, ExitCode.usage);
  return { name, webhookUrl, publicUrl, homepage };
}

/**
 * The bot's public base URL the App's OAuth callback is registered under: `--public-url`, else
 * PRENV_PUBLIC_URL, else the webhook URL's origin (the bot serves both on one host).
 */
function appPublicUrl(given: string | undefined, webhookUrl: string): string {
  const text = given || new URL(webhookUrl).origin;
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    url = null;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.search || url.hash || url.username)
    throw new CliError(
      `--public-url must be the bot's http(s) base URL (https://prenv.example.com), got "${text}"`,
      ExitCode.usage,
    );
  return text.replace(/\/+$/, '');
}

async function writeCredentials(file: string, text: string): Promise<void> {
  await rm(file, { force: true });
  // `wx` with mode 0600: the key is never readable by others, not even for a moment.
  await writeFile(file, text, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
}

/** Commands that put the credentials where the bot's job reads them; no secret is printed. */
function storeCommands(store: Store, file: string): string[] {
  if (store === 'none') return [];
  const source = `set -a; . ${file}; set +a   # with PRENV_INSTALLATION_ID and the others exported`;
  if (store === 'consul')
    return [
      '2. Store the credentials in Consul KV (values come from the file, nothing is printed):',
      `     ${source}`,
      ...BOT_VARIABLE_ITEMS.map((v) => `     consul kv put prenv/bot/${v.item} "$${v.name}"`),
    ];
  const items = [
    ...BOT_VARIABLE_ITEMS.map((v) => `${v.item}="$${v.name}"`),
    ...BOT_FILE_ITEMS.map((f) => `${f}=@${FILE_ITEM_SOURCES[f]}`),
  ];
  return [
    "2. Store them as the bot job's Nomad Variable (`nomad var put` replaces every item):",
    `     ${source}`,
    `     nomad var put -force nomad/jobs/prenv-bot \\`,
    ...items.map((item, i) => `       ${item}${i < items.length - 1 ? ' \\' : ''}`),
  ];
}

const FILE_ITEM_SOURCES: Record<(typeof BOT_FILE_ITEMS)[number], string> = {
  prenv_yml: 'prenv.yml',
  backend_hcl: 'backend.hcl',
};

async function openBrowser(url: string): Promise<void> {
  const opener = process.platform === 'darwin' ? 'open' : 'xdg-open';
  await execa(opener, [url], { reject: false, stdio: 'ignore' });
}
