import { Octokit } from '@octokit/rest';
import { createAppAuth } from '@octokit/auth-app';
import { retry, type RetryOptions } from '@octokit/plugin-retry';
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import { silentLogger, type Logger } from '../../core/logger.js';

import type { MetricsRecorder } from '../../core/metrics.js';
import { githubCallMetrics } from './call-metrics.js';
import { GITHUB_WRITE_SPACING_MS } from './write-spacing.js';
import type { GitHubAuth } from './github-auth.js';

export { githubAuthFromEnv, type GitHubAuth } from './github-auth.js';

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
  /** Overrides of @octokit/plugin-throttling's options (e.g. `retryAfterBaseValue`). */
  throttle?: Partial<ThrottlingOptions>;
  /**
   * Least time between two writes (POST, PATCH, PUT, DELETE), in ms; writes that create content
   * and notify people (comments, …) wait three times as long. Default `GITHUB_WRITE_SPACING_MS`
   * (1 s, and 3 s for those), @octokit/plugin-throttling's own spacing.
   */
  writeSpacingMs?: number;
  /** Counts each request and keeps the rate limit GitHub reports (see call-metrics.ts). */
  metrics?: MetricsRecorder;
  /** Longest wait for one GitHub answer (ms); default `REQUEST_TIMEOUT_MS`. */
  requestTimeoutMs?: number;
  /**
   * Aborted when the bot stops: every call in flight, waiting for a retry or throttled, fails
   * at once with an `AbortError`, and every later call too. Neither plugin retries an
   * `AbortError` (plugin-retry only retries Octokit's RequestError, and @octokit/request
   * rethrows a fetch abort as it is), so a silent GitHub cannot hold a stopping bot.
   */
  signal?: AbortSignal;
}

/**
 * GitHub answers within 10 s or cancels the request itself (docs.github.com, "Troubleshooting
 * the REST API: timeouts"); a connection that stays silent longer is dead. Without a limit a
 * silent connection held the worker for Node's 300 s fetch header timeout per request.
 */
export const REQUEST_TIMEOUT_MS = 30_000;

/** The plugin spaces writes that trigger notifications 3 s apart, three times its write spacing. */
const NOTIFYING_WRITE_FACTOR = 3;

/** Retries after a rate limit: GitHub bans integrations that keep writing while limited. */
const LIMIT_RETRIES = 2;

// The call counter comes first, so every retry and throttled attempt is counted.
const RetryingOctokit = Octokit.plugin(githubCallMetrics, retry, throttling);

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
    request: {
      fetch: withTimeout(
        options.fetch ?? globalThis.fetch,
        options.requestTimeoutMs,
        options.signal,
      ),
    },
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    retry: { ...options.retry },
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      ...writeGroups(options.writeSpacingMs ?? GITHUB_WRITE_SPACING_MS),
      ...options.throttle,
    } as ThrottlingOptions,
    metrics: options.metrics,
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
  const stop = options.signal;
  // Registered last, so it wraps both plugins: a call waiting out a retry's or the throttle's
  // delay (seconds) is answered at once when the bot stops; its next attempt then meets the
  // aborted fetch and ends.
  if (stop)
    octokit.hook.wrap('request', (request, opts) =>
      untilAborted(
        Promise.resolve().then(() => request(opts)),
        stop,
      ),
    );
  return octokit;
}

const spacedGroups = new Map<
  number,
  { write: Bottleneck.Group; notifications: Bottleneck.Group }
>();

/**
 * The plugin's "write" and "notifications" limiters (its `write` and `notifications` options,
 * Bottleneck groups keyed by the throttle id) for another spacing than its own. Like the
 * plugin's, they are made once per process, so every Octokit of the bot spaces its writes
 * together; writes stay one at a time.
 */
function writeGroups(spacingMs: number): {
  write?: Bottleneck.Group;
  notifications?: Bottleneck.Group;
} {
  if (spacingMs === GITHUB_WRITE_SPACING_MS) return {};
  let groups = spacedGroups.get(spacingMs);
  if (!groups) {
    const group = (id: string, minTime: number) =>
      new Bottleneck.Group({ id, maxConcurrent: 1, minTime, timeout: 2 * 60_000 });
    groups = {
      write: group('prenv-write', spacingMs),
      notifications: group('prenv-notifications', spacingMs * NOTIFYING_WRITE_FACTOR),
    };
    spacedGroups.set(spacingMs, groups);
  }
  return groups;
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error && reason.name === 'AbortError'
    ? reason
    : new DOMException('the bot is stopping: GitHub call abandoned', 'AbortError');
}

/**
 * `fetch` that gives up after `timeoutMs` (a `TimeoutError` Octokit reports as a 500 and its
 * retry plugin retries), or at once when `stop` is aborted (an `AbortError`, not retried).
 */
function withTimeout(
  base: typeof fetch,
  timeoutMs = REQUEST_TIMEOUT_MS,
  stop?: AbortSignal,
): typeof fetch {
  return (input, init) => {
    const signals = [AbortSignal.timeout(timeoutMs), init?.signal, stop].filter(
      (s): s is AbortSignal => s !== undefined && s !== null,
    );
    if (stop?.aborted) return Promise.reject(abortError(stop));
    return base(input, { ...init, signal: AbortSignal.any(signals) }).catch((err: unknown) => {
      throw stop?.aborted ? abortError(stop) : err;
    });
  };
}
