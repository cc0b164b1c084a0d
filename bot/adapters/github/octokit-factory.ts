import { Octokit } from '@octokit/rest';
import { createAppAuth } from '@octokit/auth-app';
import { retry, type RetryOptions } from '@octokit/plugin-retry';
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling';
import { silentLogger, type Logger } from '../../core/logger.js';

export type GitHubAuth =
  | { mode: 'app'; appId: string; privateKey: string; installationId: number }
  | { mode: 'token'; token: string };

export interface OctokitOptions {
  auth: GitHubAuth;
  baseUrl?: string;
  fetch?: typeof fetch;
  userAgent?: string;
  logger?: Logger;
  /**
   * Overrides of @octokit/plugin-retry's options (tests shorten `retryAfterBaseValue` so a
   * retry waits milliseconds, not seconds).
   */
  retry?: RetryOptions;
  /** Overrides of @octokit/plugin-throttling's options (e.g. a `write` group, `retryAfterBaseValue`). */
  throttle?: Partial<ThrottlingOptions>;
}

/** Retries after a rate limit: GitHub bans integrations that keep writing while limited. */
const LIMIT_RETRIES = 2;

const RetryingOctokit = Octokit.plugin(retry, throttling);

/**
 * An Octokit for one installation (GitHub App) or one token; fetch is injected, nothing global
 * is patched. GitHub's rate limits are handled by @octokit/plugin-throttling (writes spaced
 * 1 s apart as GitHub's best practices ask; on a primary or secondary limit it waits the
 * `retry-after`/`x-ratelimit-reset` GitHub gives, at most twice) and transient failures
 * (5xx, network) by @octokit/plugin-retry (3 retries, 1 s · n² apart).
 */
export function createOctokit(options: OctokitOptions): Octokit {
  const logger = options.logger ?? silentLogger;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _o: unknown, count: number) => {
      const again = count < LIMIT_RETRIES;
      logger.warn(`GitHub ${kind} rate limit`, {
        request: `${request.method} ${request.url}`,
        retryAfterSeconds: retryAfter,
        retrying: again,
      });
      return again;
    };
  const common = {
    baseUrl: options.baseUrl ?? 'https://api.github.com',
    userAgent: options.userAgent ?? 'prenv',
    request: options.fetch ? { fetch: options.fetch } : {},
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    retry: { ...options.retry },
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      ...options.throttle,
    } as ThrottlingOptions,
  };
  const octokit =
    options.auth.mode === 'app'
      ? new RetryingOctokit({
          ...common,
          authStrategy: createAppAuth,
          auth: {
            appId: options.auth.appId,
            privateKey: options.auth.privateKey,
            installationId: options.auth.installationId,
          },
        })
      : new RetryingOctokit({ ...common, auth: options.auth.token });
  octokit.hook.before('request', (req) => {
    req.headers.accept = 'application/json';
  });
  return octokit;
}

/** Reads GitHub credentials from PRENV_* variables; token mode is for trying prenv out. */
export function githubAuthFromEnv(
  env: Record<string, string | undefined>,
  installationId?: number,
): GitHubAuth | { error: string } {
  if (env.PRENV_APP_ID && env.PRENV_PRIVATE_KEY) {
    const id = installationId ?? Number(env.PRENV_INSTALLATION_ID);
    if (!Number.isInteger(id) || id <= 0) {
      return { error: 'PRENV_INSTALLATION_ID is not set (and no webhook named the installation)' };
    }
    return {
      mode: 'app',
      appId: env.PRENV_APP_ID,
      privateKey: env.PRENV_PRIVATE_KEY.replace(/\\n/g, '\n'),
      installationId: id,
    };
  }
  if (env.PRENV_GITHUB_TOKEN) return { mode: 'token', token: env.PRENV_GITHUB_TOKEN };
  return {
    error:
      'no GitHub credentials: set PRENV_APP_ID and PRENV_PRIVATE_KEY for the GitHub App, ' +
      'or PRENV_GITHUB_TOKEN to try prenv with a personal token',
  };
}
