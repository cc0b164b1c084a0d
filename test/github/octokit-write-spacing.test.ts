import { describe, expect, it } from 'vitest';
import { createOctokit } from '../../bot/adapters/github/octokit-factory.js';

/** An Octokit whose fetch answers 201 at once and records when each request arrived (ms). */
function recordingOctokit(writeSpacingMs?: number) {
  const arrivals: { request: string; at: number }[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    arrivals.push({ request: `${req.method} ${new URL(req.url).pathname}`, at: performance.now() });
    return new Response('{"id":1}', {
      status: 201,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof globalThis.fetch;
  const octokit = createOctokit({
    auth: { mode: 'token', token: 't' },
    baseUrl: 'http://github.test',
    fetch,
    ...(writeSpacingMs === undefined ? {} : { writeSpacingMs }),
  });
  const repo = { owner: 'o', repo: 'r' };
  return {
    arrivals: (suffix: string) =>
      arrivals.filter((a) => a.request.endsWith(suffix)).map((a) => a.at),
    /** A write that notifies nobody. */
    react: () =>
      octokit.request('POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', {
        ...repo,
        comment_id: 1,
        content: 'eyes',
      }),
    /** A write that notifies (GitHub sends the PR's subscribers an email). */
    comment: () =>
      octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        ...repo,
        issue_number: 1,
        body: 'hello',
      }),
    // The first request pays for loading and hooks; measured requests come after it.
    warmUp: () => octokit.request('GET /repos/{owner}/{repo}', repo),
  };
}

/** The least time between two consecutive arrivals (ms). */
const leastGap = (at: number[]) => Math.min(...at.slice(1).map((t, i) => t - at[i]!));

describe('spacing of GitHub writes (@octokit/plugin-throttling write and notification groups)', () => {
  it("keeps GitHub's 1 s between writes when no spacing is given", async () => {
    const gh = recordingOctokit();
    await gh.warmUp();
    await Promise.all([gh.react(), gh.react()]);
    expect(leastGap(gh.arrivals('/reactions'))).toBeGreaterThanOrEqual(950);
  });

  it('spaces writes `writeSpacingMs` apart, and writes that notify three times as far', async () => {
    const gh = recordingOctokit(300);
    await gh.warmUp();
    await Promise.all([gh.react(), gh.react(), gh.react()]);
    await Promise.all([gh.comment(), gh.comment()]);
    expect(gh.arrivals('/reactions')).toHaveLength(3);
    expect(leastGap(gh.arrivals('/reactions'))).toBeGreaterThanOrEqual(250);
    expect(leastGap(gh.arrivals('/comments'))).toBeGreaterThanOrEqual(850);
  });

  it('sends writes one after another without waiting when the spacing is 0', async () => {
    const gh = recordingOctokit(0);
    await gh.warmUp();
    const started = performance.now();
    await Promise.all([gh.react(), gh.react(), gh.react(), gh.comment(), gh.comment()]);
    // GitHub's spacing would take at least 5 s (1 s between writes, 3 s between comments).
    expect(performance.now() - started).toBeLessThan(2_000);
    expect([...gh.arrivals('/reactions'), ...gh.arrivals('/comments')]).toHaveLength(5);
  });
});
