import { describe, expect, it } from 'vitest';
import { createOctokit } from '../../bot/adapters/github/octokit-factory.js';
import { OctokitGitHub } from '../../bot/adapters/github/octokit-github.js';
import { GitHubError } from '../../bot/adapters/github/github-error.js';
import { fastLimits } from '../support/fast-octokit.js';

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

/** A fetch that answers from a script, one answer per request, and records the requests. */
function scripted(answers: Answer[]) {
  const seen: string[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    seen.push(`${req.method} ${new URL(req.url).pathname}`);
    const a = answers.shift() ?? { status: 500, body: { message: 'script ran out' } };
    return new Response(JSON.stringify(a.body), {
      status: a.status,
      headers: { 'content-type': 'application/json', ...a.headers },
    });
  };
  return { fetch: fetch as typeof globalThis.fetch, seen };
}

function github(fetch: typeof globalThis.fetch) {
  const octokit = createOctokit({
    auth: { mode: 'token', token: 't' },
    baseUrl: 'http://github.test',
    fetch,
    ...fastLimits(),
  });
  return new OctokitGitHub(octokit, { owner: 'o', repo: 'r' });
}

const reaction = { status: 201, body: { id: 1, content: 'eyes' } };
const secondary = {
  status: 403,
  body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes.' },
  headers: { 'retry-after': '3' },
};

describe('GitHub rate limits and transient failures (Octokit retry and throttling plugins)', () => {
  it.each([
    ['a 502', [{ status: 502, body: { message: 'Bad Gateway' } }, reaction], 2],
    ['two 503s', [{ status: 503, body: {} }, { status: 503, body: {} }, reaction], 3],
    ['a secondary rate limit with retry-after', [secondary, reaction], 2],
    [
      'a primary rate limit (x-ratelimit-remaining: 0)',
      [
        {
          status: 403,
          body: { message: 'API rate limit exceeded' },
          headers: {
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)),
          },
        },
        reaction,
      ],
      2,
    ],
  ])('retries after %s and succeeds', async (_what, answers, requests) => {
    const s = scripted(answers as Answer[]);
    await github(s.fetch).react(1, 'eyes');
    expect(s.seen).toHaveLength(requests);
  });

  it('gives up after a few secondary limits instead of hammering GitHub', async () => {
    const s = scripted([secondary, secondary, secondary, secondary, secondary, reaction]);
    const err = await github(s.fetch)
      .react(1, 'eyes')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitHubError);
    expect(s.seen).toHaveLength(3);
  });

  it('does not retry what cannot succeed (404, 422)', async () => {
    for (const status of [404, 422]) {
      const s = scripted([{ status, body: { message: 'no' } }, reaction]);
      await expect(github(s.fetch).react(1, 'eyes')).rejects.toBeInstanceOf(GitHubError);
      expect(s.seen).toHaveLength(1);
    }
  });
});

describe('a GitHub connection that stays silent', () => {
  it('is given up after the request timeout, retried, then reported; an answer is not cut', async () => {
    let requests = 0;
    let silent = true;
    const fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
      requests++;
      if (!silent)
        return Promise.resolve(
          new Response(JSON.stringify({ id: 1, content: 'eyes' }), {
            status: 201,
            headers: { 'content-type': 'application/json' },
          }),
        );
      // Never answers; only an abort ends it.
      return new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
      });
    }) as typeof globalThis.fetch;
    const octokit = createOctokit({
      auth: { mode: 'token', token: 't' },
      baseUrl: 'http://github.test',
      fetch,
      requestTimeoutMs: 50,
      ...fastLimits(),
    });
    const gh = new OctokitGitHub(octokit, { owner: 'o', repo: 'r' });
    const error = await gh.react(1, 'eyes').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubError);
    expect((error as GitHubError).kind).toBe('unreachable');
    expect(requests).toBeGreaterThan(1);
    silent = false;
    await expect(gh.react(1, 'eyes')).resolves.toBeUndefined();
  }, 30_000);
});
