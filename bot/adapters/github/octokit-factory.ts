import { Octokit } from '@octokit/rest';
import { createAppAuth } from '@octokit/auth-app';

import type { MetricsRecorder } from '../../core/metrics.js';
import { githubCallMetrics } from './call-metrics.js';
import type { GitHubAuth } from './github-auth.js';

export { githubAuthFromEnv, type GitHubAuth } from './github-auth.js';

export interface OctokitOptions {
  auth: GitHubAuth;
  baseUrl?: string;
  fetch?: typeof fetch;
  userAgent?: string;
  /** Counts each request and keeps the rate limit GitHub reports (see call-metrics.ts). */
  metrics?: MetricsRecorder;
}

const MeasuredOctokit = Octokit.plugin(githubCallMetrics);

/** An Octokit for one installation (GitHub App) or one token; fetch is injected, nothing global is patched. */
export function createOctokit(options: OctokitOptions): Octokit {
  const common = {
    baseUrl: options.baseUrl ?? 'https://api.github.com',
    userAgent: options.userAgent ?? 'prenv',
    request: options.fetch ? { fetch: options.fetch } : {},
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    metrics: options.metrics,
  };
  const octokit =
    options.auth.mode === 'app'
      ? new MeasuredOctokit({
          ...common,
          authStrategy: createAppAuth,
          auth: {
            appId: options.auth.appId,
            privateKey: options.auth.privateKey,
            installationId: options.auth.installationId,
          },
        })
      : new MeasuredOctokit({ ...common, auth: options.auth.token });
  octokit.hook.before('request', (req) => {
    req.headers.accept = 'application/json';
  });
  return octokit;
}
