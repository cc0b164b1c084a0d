import { credentialValues } from './credentials.js';
import {
  githubAuthFromEnv,
  githubIdProblems,
  privateKeyProblem,
  readPrivateKey,
  type GitHubAuth,
} from '../adapters/github/github-auth.js';
import {
  checkNames,
  checkUrls,
  stagingEndpoints,
  type ClusterEndpoints,
} from './settings/endpoints.js';
import { withoutEmpty, type Env } from './settings/env-text.js';
import { parseConsulStateUrl } from './settings/state-url.js';
import {
  checkTerraform,
  terraformSettings,
  type TerraformSettings,
} from './settings/terraform-env.js';
import { readTiming, type Timing } from './settings/timing.js';

export type { ClusterEndpoints } from './settings/endpoints.js';
export { parseConsulStateUrl } from './settings/state-url.js';
export { clusterModuleDir } from './settings/terraform-env.js';
export { DEFAULT_DELIVERY_RETENTION } from './settings/timing.js';

/**
 * Everything prenv reads from its environment; credentials only ever come from here. The CLI
 * needs all but the webhook secret, and works without GitHub credentials (it then reports to
 * no pull request).
 */
export interface RuntimeSettings extends Timing {
  github: GitHubAuth | null;
  githubApiUrl: string;
  appLogin: string;
  /** The SQLite state file (PRENV_STATE, default .prenv/state.db), unless `stateUrl` is set. */
  statePath: string;
  /** PRENV_STATE=consul://host:port/prefix: the state in Consul KV there (HTTP API). */
  stateUrl?: { url: string; prefix: string };
  nomad: { url: string; token?: string };
  consul: { url: string; token?: string };
  caddyAdminUrl: string;
  /**
   * `PRENV_CADDY_SERVICE`: the Consul service under which every entry node registers its Caddy's
   * admin API; set, route changes go to every passing instance instead of `caddyAdminUrl`.
   */
  caddyService?: string;
  /**
   * `PRENV_WEBHOOK_HOST`: the bot's own public host (default `prenv.<domain>`), approved for a
   * certificate by `/tls/ask` and routed by `prenv deploy production`.
   */
  webhookHost?: string;
  /** `PRENV_BOT_IMAGE`: set, `prenv deploy production` also deploys the bot's job with it. */
  botImage?: string;
  /** Hetzner Cloud API, for the reconciler's server listing; no token: servers are not checked. */
  hcloud: { apiUrl: string; token?: string };
  /** Caddy's HTTP listener, for the final request of a deploy; none skips it. */
  caddyHttpUrl?: string;
  terraform: TerraformSettings;
  /** `PRENV_RECONCILE=off`: the bot runs no reconciler (run `prenv reconcile` yourself). */
  reconcile: boolean;
  /** Every secret value, to redact from logs and comments. */
  secrets: string[];
  /**
   * Staging's own cluster (`PRENV_STAGING_NOMAD_ADDR`, `…_CONSUL_ADDR`, `…_CADDY_ADMIN`,
   * `…_CADDY_HTTP` and tokens), for the bot's deploys of staging on push; absent: staging is
   * reached at the same addresses as production.
   */
  stagingCluster?: ClusterEndpoints;
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

export function readServeSettings(given: Env): SettingsResult {
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

/**
 * Reads and checks every PRENV_* setting (see README, "Settings"); `errors` names each variable
 * that is wrong and what it must be. An empty variable counts as unset.
 */
export function readRuntimeSettings(given: Env): RuntimeSettingsResult {
  const env = withoutEmpty(given);
  const errors: string[] = [];
  const github = githubAuthFromEnv(env);
  const hcloudToken = env.PRENV_HCLOUD_TOKEN ?? env.HCLOUD_TOKEN;
  // A key that is set but unreadable is an error for every command, not "no credentials".
  const keyProblem = env.PRENV_PRIVATE_KEY
    ? privateKeyProblem(readPrivateKey(env.PRENV_PRIVATE_KEY))
    : null;
  if (keyProblem) errors.push(keyProblem);
  errors.push(...githubIdProblems(env));
  const timing = readTiming(env, errors);
  const reconcile = env.PRENV_RECONCILE ?? 'on';
  if (reconcile !== 'on' && reconcile !== 'off')
    errors.push(`PRENV_RECONCILE must be "on" or "off", got "${reconcile}"`);
  checkTerraform(env, errors);
  checkUrls(env, errors);
  checkNames(env, errors);
  const stateUrl = parseConsulStateUrl(env.PRENV_STATE);
  if (stateUrl && 'error' in stateUrl) errors.push(stateUrl.error);
  if (errors.length > 0) return { ok: false, errors };
  const secrets = credentialValues(env);
  return {
    ok: true,
    settings: {
      github: 'error' in github ? null : github,
      githubApiUrl: env.PRENV_GITHUB_API_URL ?? 'https://api.github.com',
      appLogin: env.PRENV_APP_LOGIN ?? 'prenv[bot]',
      statePath: stateUrl ? '.prenv/state.db' : (env.PRENV_STATE ?? '.prenv/state.db'),
      ...(stateUrl && !('error' in stateUrl) ? { stateUrl } : {}),
      nomad: {
        url: env.PRENV_NOMAD_ADDR ?? 'http://127.0.0.1:4646',
        ...(env.PRENV_NOMAD_TOKEN ? { token: env.PRENV_NOMAD_TOKEN } : {}),
      },
      consul: {
        url: env.PRENV_CONSUL_ADDR ?? 'http://127.0.0.1:8500',
        ...(env.PRENV_CONSUL_TOKEN ? { token: env.PRENV_CONSUL_TOKEN } : {}),
      },
      caddyAdminUrl: env.PRENV_CADDY_ADMIN ?? 'http://127.0.0.1:2019',
      ...(env.PRENV_CADDY_SERVICE ? { caddyService: env.PRENV_CADDY_SERVICE } : {}),
      ...(env.PRENV_WEBHOOK_HOST ? { webhookHost: env.PRENV_WEBHOOK_HOST } : {}),
      ...(env.PRENV_BOT_IMAGE ? { botImage: env.PRENV_BOT_IMAGE } : {}),
      hcloud: {
        apiUrl: env.PRENV_HCLOUD_API_URL ?? 'https://api.hetzner.cloud/v1',
        ...(hcloudToken ? { token: hcloudToken } : {}),
      },
      ...(env.PRENV_CADDY_HTTP ? { caddyHttpUrl: env.PRENV_CADDY_HTTP } : {}),
      terraform: terraformSettings(env, hcloudToken),
      ...timing,
      reconcile: reconcile !== 'off',
      secrets,
      ...(env.PRENV_STAGING_NOMAD_ADDR ? { stagingCluster: stagingEndpoints(env) } : {}),
    },
  };
}
