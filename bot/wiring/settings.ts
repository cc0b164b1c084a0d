import path from 'node:path';
import type { ClusterEnvironment } from '../core/model.js';
import { durationMs } from '../config/duration.js';
import { credentialValues } from './credentials.js';
import { isHostname, isImageReference, KV_FOLDER } from '../config/schema.js';
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
  /**
   * The leader lock of replicas sharing a Consul state (PRENV_LEADER_TTL_MS, default 15 s;
   * PRENV_LEADER_LOCK_DELAY_MS, default 5 s): a dead leader's runs resume after its liveness
   * check fails (5 s, at most TTL/2) plus the delay; Consul itself ends an unrenewed session
   * between 1 and 2 TTLs after its last renewal.
   */
  leader: { ttlMs: number; lockDelayMs: number };
  /** `PRENV_RECONCILE=off`: the bot runs no reconciler (run `prenv reconcile` yourself). */
  reconcile: boolean;
  /**
   * How long a processed delivery's id is kept to refuse its redelivery (ms;
   * `PRENV_DELIVERY_RETENTION`, a duration such as `7d`); older ones are pruned hourly.
   */
  deliveryRetentionMs: number;
  /**
   * Finished runs' output kept for the dashboard across restarts: the newest
   * `PRENV_RUN_LOG_RUNS` runs (default 200, at most 1,000) that ended within
   * `PRENV_RUN_LOG_RETENTION` (a duration, default 30d, at most 90d). Absent: the defaults.
   */
  runLogRetention?: { runs: number; maxAgeMs: number };
  /** Every secret value, to redact from logs and comments. */
  secrets: string[];
  /**
   * Staging's own cluster (`PRENV_STAGING_NOMAD_ADDR`, `…_CONSUL_ADDR`, `…_CADDY_ADMIN`,
   * `…_CADDY_HTTP` and tokens), for the bot's deploys of staging on push; absent: staging is
   * reached at the same addresses as production.
   */
  stagingCluster?: ClusterEndpoints;
}

export interface ClusterEndpoints {
  nomad: { url: string; token?: string };
  consul: { url: string; token?: string };
  caddyAdminUrl: string;
  caddyHttpUrl?: string;
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
 * GitHub lets a delivery be redelivered for 3 days on github.com and 7 on GitHub Enterprise
 * Server (docs.github.com, "Redelivering webhooks"): a delivery id kept 7 days refuses every
 * redelivery of one already processed.
 */
export const DEFAULT_DELIVERY_RETENTION = '7d';
const MIN_DELIVERY_RETENTION_MS = 3 * 86_400_000;

function retention(raw: string | undefined, errors: string[]): number {
  const text = raw ?? DEFAULT_DELIVERY_RETENTION;
  const ms = /^\d+[smhd]$/.test(text) ? durationMs(text) : NaN;
  if (Number.isNaN(ms)) {
    errors.push(`PRENV_DELIVERY_RETENTION must be a duration such as 7d or 96h, got "${text}"`);
  } else if (ms < MIN_DELIVERY_RETENTION_MS) {
    errors.push(
      `PRENV_DELIVERY_RETENTION is ${text}: GitHub redelivers deliveries of the past 3 days, so a shorter retention would process a redelivery twice; set 3d or more (default ${DEFAULT_DELIVERY_RETENTION})`,
    );
  }
  return ms;
}

/** Each kept run weighs up to 128 KiB and all are read at start: 1,000 runs is 125 MiB at worst. */
const MAX_RUN_LOG_RUNS = 1_000;
const MAX_RUN_LOG_RETENTION_MS = 90 * 86_400_000;

function runLogRetention(
  env: Record<string, string | undefined>,
  errors: string[],
): { runs: number; maxAgeMs: number } {
  const rawRuns = env.PRENV_RUN_LOG_RUNS ?? '200';
  const runs = /^\d+$/.test(rawRuns) ? Number(rawRuns) : NaN;
  if (!(runs >= 1 && runs <= MAX_RUN_LOG_RUNS))
    errors.push(
      `PRENV_RUN_LOG_RUNS must be a whole number of runs from 1 to ${MAX_RUN_LOG_RUNS}, got "${rawRuns}"`,
    );
  const rawAge = env.PRENV_RUN_LOG_RETENTION ?? '30d';
  const maxAgeMs = /^\d+[smhd]$/.test(rawAge) ? durationMs(rawAge) : NaN;
  if (!(maxAgeMs > 0 && maxAgeMs <= MAX_RUN_LOG_RETENTION_MS))
    errors.push(
      `PRENV_RUN_LOG_RETENTION must be a duration such as 30d or 72h, at most 90d, got "${rawAge}"`,
    );
  return { runs, maxAgeMs };
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
  const leaderTtlMs = number(env, 'PRENV_LEADER_TTL_MS', 15_000, errors);
  // Consul's bounds (developer.hashicorp.com/consul/api-docs/session): TTL 10s–86400s, lock-delay ≤ 60s.
  if (leaderTtlMs < 10_000 || leaderTtlMs > 86_400_000)
    errors.push(
      `PRENV_LEADER_TTL_MS must be from 10000 to 86400000 (Consul's session TTL), got "${leaderTtlMs}"`,
    );
  const lockDelayMs = number(env, 'PRENV_LEADER_LOCK_DELAY_MS', 5_000, errors);
  if (lockDelayMs > 60_000)
    errors.push(
      `PRENV_LEADER_LOCK_DELAY_MS must be at most 60000 (Consul's lock-delay), got "${lockDelayMs}"`,
    );
  const deliveryRetentionMs = retention(env.PRENV_DELIVERY_RETENTION, errors);
  const runLogs = runLogRetention(env, errors);
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
    if (raw === 'dns' && name.endsWith('CADDY_HTTP')) continue;
    if (raw === undefined) continue;
    const shown = JSON.stringify(redactUserinfo(raw));
    if (!isHttpUrl(raw))
      errors.push(`${name} must be an http(s) URL such as http://127.0.0.1:4646, got ${shown}`);
    else if (new URL(raw).username || new URL(raw).password)
      errors.push(
        `${name} must not carry a user or password (fetch refuses such a URL; a token goes in its own PRENV_…_TOKEN), got ${shown}`,
      );
  }
  if (
    env.PRENV_CADDY_SERVICE !== undefined &&
    !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(env.PRENV_CADDY_SERVICE)
  )
    errors.push(
      `PRENV_CADDY_SERVICE must be a Consul service name such as caddy-admin, got "${env.PRENV_CADDY_SERVICE}"`,
    );
  if (env.PRENV_WEBHOOK_HOST && !isHostname(env.PRENV_WEBHOOK_HOST))
    errors.push(
      `PRENV_WEBHOOK_HOST must be a lowercase DNS name such as prenv.example.com, got ${JSON.stringify(env.PRENV_WEBHOOK_HOST)}`,
    );
  if (env.PRENV_BOT_IMAGE && !isImageReference(env.PRENV_BOT_IMAGE))
    errors.push(
      `PRENV_BOT_IMAGE must be an image reference such as ghcr.io/acme/prenv:0.1.0, got ${JSON.stringify(env.PRENV_BOT_IMAGE)}`,
    );
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
      leader: { ttlMs: leaderTtlMs, lockDelayMs },
      reconcile: reconcile !== 'off',
      deliveryRetentionMs,
      runLogRetention: runLogs,
      secrets,
      ...(env.PRENV_STAGING_NOMAD_ADDR ? { stagingCluster: stagingEndpoints(env) } : {}),
    },
  };
}

function stagingEndpoints(env: Record<string, string | undefined>): ClusterEndpoints {
  const token = (name: string) => (env[name] ? { token: env[name] } : {});
  return {
    nomad: { url: env.PRENV_STAGING_NOMAD_ADDR!, ...token('PRENV_STAGING_NOMAD_TOKEN') },
    consul: {
      url: env.PRENV_STAGING_CONSUL_ADDR ?? 'http://127.0.0.1:8500',
      ...token('PRENV_STAGING_CONSUL_TOKEN'),
    },
    caddyAdminUrl: env.PRENV_STAGING_CADDY_ADMIN ?? 'http://127.0.0.1:2019',
    ...(env.PRENV_STAGING_CADDY_HTTP ? { caddyHttpUrl: env.PRENV_STAGING_CADDY_HTTP } : {}),
  };
}

/** `terraform/environments/<env>` of production or staging: a sibling of the PR module folder. */
export function clusterModuleDir(
  cwd: string,
  settings: Pick<RuntimeSettings, 'terraform'>,
  env: ClusterEnvironment,
): string {
  return path.resolve(cwd, path.dirname(settings.terraform.dir), env);
}

/**
 * `consul://host:port/prefix` (`consul+https://` for TLS) → the Consul HTTP API and the KV
 * folder; an error for any other `scheme://` (a URL is never a file name) or a malformed one
 * (no host, a query, a fragment, credentials, a `.`/`..` segment); null for a file path. The
 * token comes from PRENV_CONSUL_TOKEN; credentials in the URL are refused and never echoed.
 */
export function parseConsulStateUrl(
  text: string | undefined,
): { url: string; prefix: string } | { error: string } | null {
  if (!text || !/^(consul(\+https?)?:|[a-z][a-z0-9+.-]*:\/\/)/i.test(text)) return null;
  const example = 'consul://127.0.0.1:8500/prenv/aipacto/state';
  const parsed = URL.canParse(text) ? new URL(text) : null;
  // The path as written: WHATWG URL parsing would already have resolved `a/../b` to `b`.
  const rawPath = text.replace(/^[^:]+:\/\/[^/?#]*/, '').replace(/[?#].*$/s, '');
  let prefix = '';
  try {
    prefix = decodeURIComponent(rawPath.replace(/^\/+|\/+$/g, ''));
  } catch {
    prefix = '';
  }
  if (
    !parsed ||
    !/^consul(\+https?)?:$/i.test(parsed.protocol) ||
    !parsed.host ||
    parsed.search ||
    parsed.hash ||
    parsed.username ||
    parsed.password ||
    !KV_FOLDER.test(prefix)
  ) {
    const shown = parsed && (parsed.username || parsed.password) ? redactUserinfo(text) : text;
    return {
      error: `PRENV_STATE must be a file or consul://host:port/kv-folder such as ${example}, got ${JSON.stringify(shown)}`,
    };
  }
  const scheme = parsed.protocol.toLowerCase() === 'consul+https:' ? 'https' : 'http';
  return { url: `${scheme}://${parsed.host}`, prefix };
}

/** `scheme://user:pass@host/…` → `scheme://***@host/…`: credentials are not echoed. */
function redactUserinfo(text: string): string {
  return text.replace(/^([^:/]+:\/\/)[^/?#]*@/, '$1***@');
}
