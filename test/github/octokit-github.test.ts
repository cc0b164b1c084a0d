import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOctokit, githubAuthFromEnv } from '../../bot/adapters/github/octokit-factory.js';
import { OctokitGitHub } from '../../bot/adapters/github/octokit-github.js';
import { GitHubError } from '../../bot/adapters/github/github-error.js';
import { fastLimits } from '../support/fast-octokit.js';
import { startPrism, type PrismServer } from '../support/prism.js';

let prism: PrismServer;

beforeAll(async () => {
  prism = await startPrism();
}, 90_000);

afterAll(async () => {
  await prism?.stop();
});

function tokenGitHub(): OctokitGitHub {
  const octokit = createOctokit({
    auth: { mode: 'token', token: 'ghp_testtoken123' },
    baseUrl: prism.baseUrl,
    fetch: prism.fetch,
    ...fastLimits(),
  });
  return new OctokitGitHub(octokit, { owner: 'aipacto', repo: 'aipacto' }, ['ghp_testtoken123']);
}

describe("OctokitGitHub against GitHub's OpenAPI description (Prism)", () => {
  it("makes only requests that GitHub's description accepts", async () => {
    const gh = tokenGitHub();
    const start = prism.requests.length;
    expect(['admin', 'maintain', 'write', 'triage', 'read', 'none']).toContain(
      await gh.permissionOf('octocat'),
    );
    await gh.react(1, 'eyes');
    expect(
      await gh.upsertStickyComment(7, '<!-- prenv:sticky pr-7 -->', 'deploying'),
    ).toBeGreaterThan(0);
    await gh.reply(7, 'only maintainers can `/deploy`');
    const id = await gh.createDeployment({
      ref: 'abc123',
      environment: 'pr-7',
      description: 'preview',
    });
    await gh.setDeploymentStatus({
      deploymentId: id,
      state: 'success',
      environmentUrl: 'https://pr-7.pr.aipacto.com',
      description: 'live',
    });
    await gh.deactivateDeployments('pr-7');
    expect(Array.isArray(await gh.unfinishedDeployments('pr-7'))).toBe(true);
    const pulls = await gh.listOpenPullRequests();
    expect(pulls.length).toBeGreaterThan(0);
    const one = await gh.getPullRequest(7);
    expect(one).toMatchObject({
      number: expect.any(Number) as number,
      state: expect.stringMatching(/open|closed/) as string,
    });
    expect(pulls[0]).toMatchObject({
      number: expect.any(Number) as number,
      headSha: expect.any(String) as string,
    });
    expect(prism.requests.length - start).toBeGreaterThanOrEqual(10);
    expect(prism.violations).toEqual([]);
  });

  it('edits the sticky comment in place when one carries the marker', async () => {
    const gh = tokenGitHub();
    const start = prism.requests.length;
    // GitHub's example comment says "Me too" and is written by octocat, the example token's
    // user (GET /user): used as the marker, it is found and edited.
    expect(await gh.upsertStickyComment(7, 'Me too', 'Me too: updated')).toBe(1);
    const calls = prism.requests.slice(start).map((r) => `${r.method} ${new URL(r.url).pathname}`);
    expect(calls).toEqual([
      'GET /user',
      'GET /repos/aipacto/aipacto/issues/7/comments',
      'PATCH /repos/aipacto/aipacto/issues/comments/1',
    ]);
    expect(prism.violations).toEqual([]);
  });

  it('sends Accept: application/json, which Prism needs', async () => {
    let accept: string | null = null;
    const octokit = createOctokit({
      auth: { mode: 'token', token: 'x' },
      baseUrl: prism.baseUrl,
      fetch: async (input, init) => {
        accept = new Request(input, init).headers.get('accept');
        return prism.fetch(input, init);
      },
      ...fastLimits(),
    });
    await new OctokitGitHub(octokit, { owner: 'a', repo: 'b' }).react(1, 'rocket');
    expect(accept).toBe('application/json');
  });

  it('would notice a request the description rejects', async () => {
    const gh = tokenGitHub();
    const before = prism.violations.length;
    await expect(gh.react(1, 'thumbs-sideways' as never)).rejects.toBeInstanceOf(GitHubError);
    expect(prism.violations.length).toBe(before + 1);
    prism.violations.splice(before);
  });

  it('authenticates as a GitHub App installation', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const auth = githubAuthFromEnv(
      {
        PRENV_APP_ID: '12345',
        PRENV_PRIVATE_KEY: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      },
      42,
    );
    if ('error' in auth) throw new Error(auth.error);
    const octokit = createOctokit({
      auth,
      baseUrl: prism.baseUrl,
      fetch: prism.fetch,
      ...fastLimits(),
    });
    await new OctokitGitHub(octokit, { owner: 'a', repo: 'b' }).react(1, 'eyes');
    const paths = prism.requests.map((r) => new URL(r.url).pathname);
    expect(paths).toContain('/app/installations/42/access_tokens');
    expect(prism.violations).toEqual([]);
  });
});

describe('githubAuthFromEnv', () => {
  it('explains what to set when nothing is configured', () => {
    expect(githubAuthFromEnv({})).toEqual({
      error:
        'no GitHub credentials: set PRENV_APP_ID and PRENV_PRIVATE_KEY for the GitHub App, or PRENV_GITHUB_TOKEN to try prenv with a personal token',
    });
  });

  it('uses token mode for PRENV_GITHUB_TOKEN', () => {
    expect(githubAuthFromEnv({ PRENV_GITHUB_TOKEN: 't' })).toEqual({ mode: 'token', token: 't' });
  });
});

describe('GitHubError', () => {
  it('never carries the token in its message', async () => {
    const octokit = createOctokit({
      auth: { mode: 'token', token: 'ghp_secretvalue' },
      baseUrl: 'http://127.0.0.1:1',
      fetch: async () => {
        throw new Error('connect ECONNREFUSED while sending ghp_secretvalue');
      },
      ...fastLimits(),
    });
    const err = await new OctokitGitHub(octokit, { owner: 'a', repo: 'b' }, ['ghp_secretvalue'])
      .react(1, 'eyes')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitHubError);
    expect((err as GitHubError).kind).toBe('unreachable');
    expect((err as GitHubError).message).not.toContain('ghp_secretvalue');
  });
});
