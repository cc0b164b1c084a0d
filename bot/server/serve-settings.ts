import {
  githubAuthFromEnv,
  privateKeyProblem,
  readPrivateKey,
  type GitHubAuth,
} from '../adapters/github/github-auth.js';

/**
 * Everything prenv reads from its environment; credentials only ever come from here. The CLI
 * needs all but the webhook secret, and works without GitHub credentials (it then reports to
 * no pull request).
 */
export interface RuntimeSettings {
  github: GitHubAuth | null;
  githubApiUrl: string;
  appLogin: string;
  statePath: string;
  nomad: { url: string; token?: string };
  consul: { url: string; token?: string };
  caddyAdminUrl: string;
  /** Hetzner Cloud API, for the reconciler's server listing; no token: servers are not checked. */
  hcloud: { apiUrl: string; token?: string };
  /** Caddy's HTTP listener, for the final request of a deploy; none skips it. */
  caddyHttpUrl?: string;
  terraform: {
    bin: string;
    dir: string;
    /**
     * A saved `terraform output -json` of production (`PRENV_TF_PRODUCTION_OUTPUTS`), for a bot
     * that cannot read production's state; without it prenv runs `terraform output` there.
     */
    productionOutputsFile?: string;
    backendConfig?: string;
    /** Variables handed to Terraform's process: HCLOUD_TOKEN and the state backend's credentials. */
    env: Record<string, string | undefined>;
  };
  settleMs: number;
  tickMs: number;
  /** Least time between sticky-comment edits that only move a queue position (ms). */
  queueEditDebounceMs: number;
  /** `/healthz` fails when due deliveries waited this long without the worker progressing (ms). */
  stallMs: number;
  /** `PRENV_RECONCILE=off`: the bot runs no reconciler (run `prenv reconcile` yourself). */
  reconcile: boolean;
  /** Every secret value, to redact from logs and comments. */
  secrets: string[];
}

export interface ServeSettings extends RuntimeSettings {
  webhookSecret: string;
  github: GitHubAuth;
  /** The dashboard's sign-in; without a client id and secret it shows only a sign-in notice. */
  dashboard?: {
    /** `PRENV_PUBLIC_URL`: the bot's public base URL, for the OAuth callback and links. */
    publicUrl: string | null;
    /** The GitHub App's OAuth client (`PRENV_GITHUB_CLIENT_ID`, `PRENV_GITHUB_CLIENT_SECRET`). */
    oauth: { clientId: string; clientSecret: string; webUrl: string } | null;
  };
}

export type SettingsResult =
  { ok: true; settings: ServeSettings } | { ok: false; errors: string[] };
export type RuntimeSettingsResult =
  { ok: true; settings: RuntimeSettings } | { ok: false; errors: string[] };

const PASS_TO_TERRAFORM = [
  'PATH',
  'HOME',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
];

/** Settings that are base URLs of an HTTP API; anything else failed later as an unexpected error. */
const URL_SETTINGS = [
  'PRENV_NOMAD_ADDR',
  'PRENV_CONSUL_ADDR',
  'PRENV_STAGING_NOMAD_ADDR',
  'PRENV_STAGING_CONSUL_ADDR',
  'PRENV_STAGING_CADDY_ADMIN',
  'PRENV_STAGING_CADDY_HTTP',
  'PRENV_CADDY_ADMIN',
  'PRENV_CADDY_HTTP',
  'PRENV_GITHUB_API_URL',
  'PRENV_GITHUB_WEB_URL',
  'PRENV_HCLOUD_API_URL',
  'PRENV_PUBLIC_URL',
];

function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'http:' || protocol === 'https:';
}

function number(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  errors: string[],
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    errors.push(`${name} must be a number of milliseconds, got "${raw}"`);
  return value;
}

/**
 * A variable set to the empty string counts as unset: CI systems expand a secret that is not
 * defined to "" (GitHub Actions does), and "" is never a valid address, path or token.
 */
function withoutEmpty(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
}

export function readServeSettings(given: Record<string, string | undefined>): SettingsResult {
  const env = withoutEmpty(given);
  const errors: string[] = [];
  const webhookSecret = env.PRENV_WEBHOOK_SECRET ?? '';
  if (webhookSecret.length < 8) {
    errors.push(
      'PRENV_WEBHOOK_SECRET is not set (or shorter than 8 characters): set it to the GitHub App webhook secret',
    );
  }
  const github = githubAuthFromEnv(env);
  if ('error' in github) errors.push(github.error);
  const runtime = readRuntimeSettings(env);
  if (!runtime.ok) errors.push(...runtime.errors.filter((e) => !errors.includes(e)));
  if (!runtime.ok || 'error' in github || errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    settings: {
      ...runtime.settings,
      webhookSecret,
      github,
      secrets: [webhookSecret, ...runtime.settings.secrets],
      dashboard: {
        publicUrl: env.PRENV_PUBLIC_URL?.replace(/\/+$/, '') ?? null,
        oauth:
          env.PRENV_GITHUB_CLIENT_ID && env.PRENV_GITHUB_CLIENT_SECRET
            ? {
                clientId: env.PRENV_GITHUB_CLIENT_ID,
                clientSecret: env.PRENV_GITHUB_CLIENT_SECRET,
                webUrl: env.PRENV_GITHUB_WEB_URL ?? 'https://github.com',
              }
            : null,
      },
    },
  };
}

export function readRuntimeSettings(
  given: Record<string, string | undefined>,
): RuntimeSettingsResult {
  const env = withoutEmpty(given);
  const errors: string[] = [];
  const github = githubAuthFromEnv(env);
  const hcloudToken = env.PRENV_HCLOUD_TOKEN ?? env.HCLOUD_TOKEN;
  const terraformEnv: Record<string, string | undefined> = Object.fromEntries(
    PASS_TO_TERRAFORM.map((k) => [k, env[k]]),
  );
  if (hcloudToken) terraformEnv.HCLOUD_TOKEN = hcloudToken;
  // environments/pr's consul provider creates each preview node's ACL policy and token
  // (terraform/environments/pr/acl.tf); it reads the address and token from these.
  terraformEnv.CONSUL_HTTP_ADDR = env.PRENV_CONSUL_ADDR ?? 'http://127.0.0.1:8500';
  if (env.PRENV_CONSUL_TOKEN) terraformEnv.CONSUL_HTTP_TOKEN = env.PRENV_CONSUL_TOKEN;
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('PRENV_FAKE_TF_')) terraformEnv[key] = value;
  }
  // A key that is set but unreadable is an error for every command, not "no credentials".
  const keyProblem = env.PRENV_PRIVATE_KEY
    ? privateKeyProblem(readPrivateKey(env.PRENV_PRIVATE_KEY))
    : null;
  if (keyProblem) errors.push(keyProblem);
  const settleMs = number(env, 'PRENV_SETTLE_MS', 2_000, errors);
  const tickMs = number(env, 'PRENV_TICK_MS', 30_000, errors);
  const queueEditDebounceMs = number(env, 'PRENV_QUEUE_EDIT_DEBOUNCE_MS', 10_000, errors);
  const stallMs = number(env, 'PRENV_STALL_MS', 5 * 60_000, errors);
  const reconcile = env.PRENV_RECONCILE ?? 'on';
  if (reconcile !== 'on' && reconcile !== 'off')
    errors.push(`PRENV_RECONCILE must be "on" or "off", got "${reconcile}"`);
  if (env.PRENV_TF_VARS_FILE)
    errors.push(
      'PRENV_TF_VARS_FILE is no longer read: prenv takes what a PR needs (network_id, ' +
        "server_private_ips, ssh_key_names, consul_encrypt_key) from production's Terraform " +
        'outputs. Unset it; set PRENV_TF_PRODUCTION_OUTPUTS to a saved `terraform output -json` ' +
        "of production only if the bot cannot read production's state.",
    );
  for (const name of URL_SETTINGS) {
    const raw = env[name];
    if (raw !== undefined && !isHttpUrl(raw))
      errors.push(`${name} must be an http(s) URL such as http://127.0.0.1:4646, got "${raw}"`);
  }
  if (errors.length > 0) return { ok: false, errors };
  const secrets = [
    hcloudToken,
    env.PRENV_PRIVATE_KEY,
    env.PRENV_GITHUB_TOKEN,
    env.PRENV_NOMAD_TOKEN,
    env.PRENV_CONSUL_TOKEN,
    env.AWS_SECRET_ACCESS_KEY,
    env.PRENV_GITHUB_CLIENT_SECRET,
  ].filter((s): s is string => !!s);
  return {
    ok: true,
    settings: {
      github: 'error' in github ? null : github,
      githubApiUrl: env.PRENV_GITHUB_API_URL ?? 'https://api.github.com',
      appLogin: env.PRENV_APP_LOGIN ?? 'prenv[bot]',
      statePath: env.PRENV_STATE ?? '.prenv/state.db',
      nomad: {
        url: env.PRENV_NOMAD_ADDR ?? 'http://127.0.0.1:4646',
        ...(env.PRENV_NOMAD_TOKEN ? { token: env.PRENV_NOMAD_TOKEN } : {}),
      },
      consul: {
        url: env.PRENV_CONSUL_ADDR ?? 'http://127.0.0.1:8500',
        ...(env.PRENV_CONSUL_TOKEN ? { token: env.PRENV_CONSUL_TOKEN } : {}),
      },
      caddyAdminUrl: env.PRENV_CADDY_ADMIN ?? 'http://127.0.0.1:2019',
      hcloud: {
        apiUrl: env.PRENV_HCLOUD_API_URL ?? 'https://api.hetzner.cloud/v1',
        ...(hcloudToken ? { token: hcloudToken } : {}),
      },
      ...(env.PRENV_CADDY_HTTP ? { caddyHttpUrl: env.PRENV_CADDY_HTTP } : {}),
      terraform: {
        bin: env.PRENV_TERRAFORM_BIN ?? 'terraform',
        dir: env.PRENV_TERRAFORM_DIR ?? 'terraform/environments/pr',
        ...(env.PRENV_TF_PRODUCTION_OUTPUTS
          ? { productionOutputsFile: env.PRENV_TF_PRODUCTION_OUTPUTS }
          : {}),
        ...(env.PRENV_TF_BACKEND_CONFIG ? { backendConfig: env.PRENV_TF_BACKEND_CONFIG } : {}),
        env: terraformEnv,
      },
      settleMs,
      tickMs,
      queueEditDebounceMs,
      stallMs,
      reconcile: reconcile !== 'off',
      secrets,
    },
  };
}
