/**
 * The GitHub App prenv needs, as a manifest for GitHub's App manifest flow
 * (docs.github.com/en/apps/sharing-github-apps/registering-a-github-app-from-a-manifest).
 * The permissions and events are exactly those the bot uses; test/github/app-permissions.test.ts
 * checks them against every endpoint the bot calls and every event it handles.
 */

/** Repository permissions, GitHub's names and levels. */
export const APP_PERMISSIONS = {
  /** Sticky comment, replies and reactions go through the issues endpoints. */
  issues: 'write',
  /** Pull requests: read the PR, list the open ones (reconciler). */
  pull_requests: 'read',
  /** GitHub Deployments and their statuses, per environment. */
  deployments: 'write',
  /** Every App with repository access has it; the collaborator permission check needs it. */
  metadata: 'read',
  /** `push` webhooks: a push to production's or staging's branch deploys it. */
  contents: 'read',
  /** `check_suite` webhooks and the commit's check runs, read before a deploy on push. */
  checks: 'read',
  /** `status` webhooks and the commit's combined status, read before a deploy on push. */
  statuses: 'read',
} as const;

/** Webhook events the bot acts on (`mapWebhook` in events.ts ignores every other). */
export const APP_EVENTS = [
  'pull_request',
  'issue_comment',
  'push',
  'check_suite',
  'status',
] as const;

export interface AppManifestOptions {
  /** The App's name on GitHub (unique across GitHub, at most 34 characters). */
  name: string;
  /** Homepage: the repository or the project's site. */
  url: string;
  /** Where GitHub posts webhooks: `https://<bot host>/webhooks/github`. */
  webhookUrl: string;
  /** Where GitHub sends the browser back with `?code=` after the App is created. */
  redirectUrl: string;
  /** The bot's public base URL (`PRENV_PUBLIC_URL`); the OAuth callback is under it. */
  publicUrl: string;
  description?: string;
}

export interface AppManifest {
  name: string;
  url: string;
  description: string;
  hook_attributes: { url: string; active: boolean };
  redirect_url: string;
  callback_urls: string[];
  request_oauth_on_install: boolean;
  public: boolean;
  default_permissions: Record<string, string>;
  default_events: string[];
}

/**
 * The dashboard's OAuth callback under the bot's public base URL (`https://bot.example.com` →
 * `https://bot.example.com/auth/callback`): the `redirect_uri` the dashboard's sign-in sends,
 * which GitHub accepts only when it is one of the App's callback URLs
 * (docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-user-access-token-for-a-github-app).
 */
export function oauthCallbackUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/auth/callback`;
}

/**
 * The manifest of GitHub's App manifest flow: `callback_urls` (at most 10) and
 * `request_oauth_on_install` as in GitHub's "App manifest parameters"
 * (docs.github.com/en/apps/sharing-github-apps/registering-a-github-app-from-a-manifest).
 */
export function appManifest(options: AppManifestOptions): AppManifest {
  return {
    name: options.name,
    url: options.url,
    description:
      options.description ?? 'Per-pull-request environments on Hetzner Cloud (prenv bot)',
    hook_attributes: { url: options.webhookUrl, active: true },
    redirect_url: options.redirectUrl,
    // The dashboard's "Sign in with GitHub" is the App's OAuth flow: GitHub only sends the
    // browser back to a registered callback URL. Installing the App asks no user to sign in.
    callback_urls: [oauthCallbackUrl(options.publicUrl)],
    request_oauth_on_install: false,
    public: false,
    default_permissions: { ...APP_PERMISSIONS },
    default_events: [...APP_EVENTS],
  };
}

/**
 * Where the manifest is posted (a form field `manifest`): the user's account, or an
 * organization's when `org` is set. `state` comes back with the code and is checked.
 */
export function manifestPostUrl(webUrl: string, state: string, org?: string): string {
  const base = webUrl.replace(/\/+$/, '');
  const where = org
    ? `${base}/organizations/${encodeURIComponent(org)}/settings/apps/new`
    : `${base}/settings/apps/new`;
  return `${where}?state=${encodeURIComponent(state)}`;
}

/** What `POST /app-manifests/{code}/conversions` answers (the fields prenv keeps). */
export interface AppConversion {
  id: number;
  slug?: string;
  html_url: string;
  client_id: string;
  client_secret: string;
  webhook_secret: string | null;
  pem: string;
}

/** Variables of the credentials file, in the names `prenv serve` reads. */
export function appCredentials(app: AppConversion): [string, string][] {
  const out: [string, string][] = [
    ['PRENV_APP_ID', String(app.id)],
    ['PRENV_PRIVATE_KEY', app.pem.trim().replace(/\r?\n/g, '\\n')],
  ];
  if (app.webhook_secret) out.push(['PRENV_WEBHOOK_SECRET', app.webhook_secret]);
  out.push(['PRENV_GITHUB_CLIENT_ID', app.client_id]);
  out.push(['PRENV_GITHUB_CLIENT_SECRET', app.client_secret]);
  return out;
}

/**
 * A file `sh` can source (`set -a; . file; set +a`): single-quoted values, the private key on
 * one line with `\n` escapes, which prenv reads back as newlines.
 */
export function credentialsFile(app: AppConversion): string {
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  const lines = appCredentials(app).map(([name, value]) => `${name}=${quote(value)}`);
  return `# GitHub App ${app.slug ?? app.id} (${app.html_url}), created by prenv app create.\n${lines.join('\n')}\n`;
}
