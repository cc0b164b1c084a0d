import type { Octokit } from '@octokit/rest';
import type { MetricsRecorder } from '../../core/metrics.js';

interface Answer {
  status?: number;
  headers?: Record<string, string | number | undefined>;
}

/**
 * An Octokit plugin that counts every HTTP request to the GitHub API (retries included when it
 * is listed before @octokit/plugin-retry, whose wrap then calls it once per attempt) by route
 * and status, and keeps the `x-ratelimit-remaining` GitHub sends with each answer, per
 * `x-ratelimit-resource` ("Rate limits for the REST API", GitHub docs). Reads
 * `options.metrics`; does nothing without it.
 */
export function githubCallMetrics(
  octokit: Pick<Octokit, 'hook'>,
  options: Record<string, unknown>,
): void {
  const metrics = options.metrics as MetricsRecorder | undefined;
  if (!metrics) return;
  const seen = (route: string, answer: Answer | undefined) => {
    metrics.githubCall(route, answer?.status ?? 0);
    const remaining = Number(answer?.headers?.['x-ratelimit-remaining']);
    if (answer?.headers?.['x-ratelimit-remaining'] !== undefined && Number.isFinite(remaining))
      metrics.githubRateLimit(String(answer.headers['x-ratelimit-resource'] ?? 'core'), remaining);
  };
  octokit.hook.wrap('request', async (request, endpoint) => {
    const route = routeLabel(endpoint.method, endpoint.url);
    try {
      const response = await request(endpoint);
      seen(route, response as Answer);
      return response;
    } catch (err) {
      // Octokit reports a request that got no answer as status 500 without a response.
      seen(route, (err as { response?: Answer }).response);
      throw err;
    }
  });
}

/**
 * `GET /repos/{owner}/{repo}/issues/{issue_number}/comments`: Octokit's route template. A full
 * URL (a pagination `Link`) loses its origin and query, and numbers become `{n}`, so the label
 * keeps a small set of values.
 */
export function routeLabel(method: string, url: string): string {
  const pathOnly = url.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/[?#].*$/, '');
  const path = pathOnly
    .split('/')
    .map((segment) => (/^\d+$/.test(segment) ? '{n}' : segment))
    .join('/');
  return `${method.toUpperCase()} ${path.slice(0, 120)}`;
}
