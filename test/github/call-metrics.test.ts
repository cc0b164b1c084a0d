import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { routeLabel } from '../../bot/adapters/github/call-metrics.js';
import { createOctokit } from '../../bot/adapters/github/octokit-factory.js';
import { createPrometheusMetrics } from '../../bot/adapters/metrics/prometheus.js';
import { parseExposition, sampleValue } from '../support/prometheus-text.js';

const noGauges = async () => ({ deliveriesPending: 0, queued: 0, slotsUsed: 0, slotsMax: 0 });

/** A GitHub double: answers each request with the next scripted status and rate-limit headers. */
function scriptedFetch(answers: Array<{ status: number; remaining?: number; resource?: string }>) {
  const seen: string[] = [];
  const fake: typeof fetch = async (input, init) => {
    const req = new Request(input, init);
    seen.push(`${req.method} ${new URL(req.url).pathname}`);
    const next = answers.shift();
    if (!next) throw new TypeError('fetch failed');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (next.remaining !== undefined) headers['x-ratelimit-remaining'] = String(next.remaining);
    if (next.resource) headers['x-ratelimit-resource'] = next.resource;
    const body = next.status >= 400 ? { message: 'Not Found' } : { id: 1, token: 'ghs_x' };
    return new Response(JSON.stringify(body), { status: next.status, headers });
  };
  return { fake, seen };
}

async function scrape(metrics: ReturnType<typeof createPrometheusMetrics>) {
  return parseExposition((await metrics.scrape()).body);
}

describe('GitHub API calls on /metrics', () => {
  it('counts each request by route template and status, and keeps the rate limit left', async () => {
    const metrics = createPrometheusMetrics({ sample: noGauges, defaultMetrics: false });
    const { fake } = scriptedFetch([
      { status: 200, remaining: 4999, resource: 'core' },
      { status: 200, remaining: 4998, resource: 'core' },
      { status: 404, remaining: 4997, resource: 'core' },
    ]);
    const octokit = createOctokit({
      auth: { mode: 'token', token: 'ghp_token' },
      baseUrl: 'http://github.invalid',
      fetch: fake,
      metrics: metrics.recorder,
    });
    const repo = { owner: 'aipacto', repo: 'aipacto' };
    await octokit.rest.issues.createComment({ ...repo, issue_number: 7, body: 'a' });
    await octokit.rest.issues.createComment({ ...repo, issue_number: 8, body: 'b' });
    await expect(octokit.rest.issues.get({ ...repo, issue_number: 9 })).rejects.toMatchObject({
      status: 404,
    });
    const samples = await scrape(metrics);
    const calls = (route: string, status: string) =>
      sampleValue(samples, 'prenv_github_requests_total', { route, status });
    expect(calls('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', '200')).toBe(2);
    expect(calls('GET /repos/{owner}/{repo}/issues/{issue_number}', '404')).toBe(1);
    expect(sampleValue(samples, 'prenv_github_rate_limit_remaining', { resource: 'core' })).toBe(
      4997,
    );
  });

  it('counts a request that got no answer as status 0 and leaves the rate limit as it was', async () => {
    const metrics = createPrometheusMetrics({ sample: noGauges, defaultMetrics: false });
    const { fake } = scriptedFetch([{ status: 200, remaining: 60, resource: 'search' }]);
    const octokit = createOctokit({
      auth: { mode: 'token', token: 'ghp_token' },
      baseUrl: 'http://github.invalid',
      fetch: fake,
      metrics: metrics.recorder,
      retry: { retryAfterBaseValue: 1 },
    });
    await octokit.request('GET /search/issues', { q: 'x' });
    await expect(octokit.request('GET /rate_limit')).rejects.toThrow();
    const samples = await scrape(metrics);
    expect(
      sampleValue(samples, 'prenv_github_requests_total', {
        route: 'GET /rate_limit',
        status: '0',
      }),
      // Every attempt counts: the first and @octokit/plugin-retry's three retries.
    ).toBe(4);
    expect(sampleValue(samples, 'prenv_github_rate_limit_remaining', { resource: 'search' })).toBe(
      60,
    );
  });

  it("counts a GitHub App's installation token request as a call of its own", async () => {
    const metrics = createPrometheusMetrics({ sample: noGauges, defaultMetrics: false });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { fake, seen } = scriptedFetch([
      { status: 201 },
      { status: 201, remaining: 14_999, resource: 'core' },
    ]);
    const octokit = createOctokit({
      auth: {
        mode: 'app',
        appId: '1',
        installationId: 42,
        privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      },
      baseUrl: 'http://github.invalid',
      fetch: fake,
      metrics: metrics.recorder,
    });
    await octokit.rest.reactions.createForIssueComment({
      owner: 'a',
      repo: 'b',
      comment_id: 5,
      content: 'eyes',
    });
    expect(seen).toEqual([
      'POST /app/installations/42/access_tokens',
      'POST /repos/a/b/issues/comments/5/reactions',
    ]);
    const samples = await scrape(metrics);
    const calls = samples.filter((s) => s.name === 'prenv_github_requests_total');
    expect(calls.map((s) => [s.labels.route, s.labels.status, s.value])).toEqual(
      expect.arrayContaining([
        ['POST /app/installations/{installation_id}/access_tokens', '201', 1],
        ['POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', '201', 1],
      ]),
    );
    expect(sampleValue(samples, 'prenv_github_rate_limit_remaining', { resource: 'core' })).toBe(
      14_999,
    );
  });

  it.each([
    [
      'get',
      '/repos/{owner}/{repo}/pulls/{pull_number}',
      'GET /repos/{owner}/{repo}/pulls/{pull_number}',
    ],
    [
      'GET',
      'https://api.github.com/repositories/123/issues/7/comments?page=2',
      'GET /repositories/{n}/issues/{n}/comments',
    ],
    ['POST', '/app/installations/42/access_tokens', 'POST /app/installations/{n}/access_tokens'],
  ])('labels %s %s as %s', (method, url, label) => {
    expect(routeLabel(method, url)).toBe(label);
  });
});
