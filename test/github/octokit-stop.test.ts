import { describe, expect, it } from 'vitest';
import { createOctokit } from '../../bot/adapters/github/octokit-factory.js';

/** A GitHub that answers every request with a 502, counting them. */
function failing() {
  let calls = 0;
  const fetch = (async (_input: RequestInfo | URL, init?: RequestInit) => {
    calls += 1;
    init?.signal?.throwIfAborted();
    return new Response(JSON.stringify({ message: 'bad gateway' }), {
      status: 502,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof globalThis.fetch;
  return { fetch, calls: () => calls };
}

/** A GitHub that accepts the request and never answers, until the request is aborted. */
const silent = (async (_input: RequestInfo | URL, init?: RequestInit) =>
  new Promise<Response>((_resolve, reject) => {
    init?.signal?.addEventListener('abort', () => reject(init.signal!.reason), { once: true });
  })) as typeof globalThis.fetch;

function octokit(fetch: typeof globalThis.fetch, signal: AbortSignal) {
  // plugin-retry's own delays (1 s, 4 s, 9 s): only the stop signal can end the call early.
  return createOctokit({
    auth: { mode: 'token', token: 't' },
    baseUrl: 'http://github.test',
    fetch,
    signal,
  });
}

describe('GitHub calls when the bot stops', () => {
  it('abandons a call waiting for its retry, and tries no more', async () => {
    const github = failing();
    const stop = new AbortController();
    const call = octokit(github.fetch, stop.signal).request('GET /repos/{owner}/{repo}', {
      owner: 'o',
      repo: 'r',
    });
    const outcome = call.then(
      () => 'answered',
      (err: Error) => err.name,
    );
    while (github.calls() === 0) await new Promise((r) => setTimeout(r, 5));
    stop.abort();
    expect(await outcome).toBe('AbortError');
    // The retry due a second later meets the aborted signal: no second request goes out.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(github.calls()).toBe(1);
  });

  it('abandons a call GitHub never answers', async () => {
    const stop = new AbortController();
    const call = octokit(silent, stop.signal).request('GET /user');
    setTimeout(() => stop.abort(), 20);
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses calls made after the stop without sending them', async () => {
    const github = failing();
    const stop = new AbortController();
    stop.abort();
    await expect(octokit(github.fetch, stop.signal).request('GET /user')).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(github.calls()).toBe(0);
  });
});
