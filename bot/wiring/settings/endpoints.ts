import { isHostname, isImageReference } from '../../config/names.js';
import { isHttpUrl, redactUserinfo, type Env } from './env-text.js';

/** A cluster's APIs as prenv reaches them. */
export interface ClusterEndpoints {
  nomad: { url: string; token?: string };
  consul: { url: string; token?: string };
  caddyAdminUrl: string;
  caddyHttpUrl?: string;
}

/**
 * Settings that are base URLs of an HTTP API, each with the example its error shows (the
 * defaults, and the tunnel's local ports for staging); anything else failed later as an
 * unexpected error.
 */
const URL_SETTINGS: Readonly<Record<string, string>> = {
  PRENV_NOMAD_ADDR: 'http://127.0.0.1:4646',
  PRENV_CONSUL_ADDR: 'http://127.0.0.1:8500',
  PRENV_STAGING_NOMAD_ADDR: 'http://127.0.0.1:14646',
  PRENV_STAGING_CONSUL_ADDR: 'http://127.0.0.1:18500',
  PRENV_STAGING_CADDY_ADMIN: 'http://127.0.0.1:12019',
  PRENV_STAGING_CADDY_HTTP: 'http://127.0.0.1:80, or dns',
  PRENV_CADDY_ADMIN: 'http://127.0.0.1:2019',
  PRENV_CADDY_HTTP: 'http://127.0.0.1:80, or dns',
  PRENV_GITHUB_API_URL: 'https://api.github.com',
  PRENV_GITHUB_WEB_URL: 'https://github.com',
  PRENV_HCLOUD_API_URL: 'https://api.hetzner.cloud/v1',
  PRENV_PUBLIC_URL: 'https://prenv.example.com',
};

/** Pushes onto `errors` each URL setting that is not a plain http(s) URL, credentials redacted. */
export function checkUrls(env: Env, errors: string[]): void {
  for (const [name, example] of Object.entries(URL_SETTINGS)) {
    const raw = env[name];
    if (raw === 'dns' && name.endsWith('CADDY_HTTP')) continue;
    if (raw === undefined) continue;
    const shown = JSON.stringify(redactUserinfo(raw));
    if (!isHttpUrl(raw))
      errors.push(`${name} must be an http(s) URL such as ${example}, got ${shown}`);
    else if (new URL(raw).username || new URL(raw).password)
      errors.push(
        `${name} must not carry a user or password (fetch refuses such a URL; a token goes in its own PRENV_…_TOKEN), got ${shown}`,
      );
  }
}

/** Pushes onto `errors` each name setting (Consul service, webhook host, bot image) of a wrong form. */
export function checkNames(env: Env, errors: string[]): void {
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
}

/** Staging's own cluster (`PRENV_STAGING_*`); only read when PRENV_STAGING_NOMAD_ADDR is set. */
export function stagingEndpoints(env: Env): ClusterEndpoints {
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
