import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createOctokit, type GitHubAuth } from '../../bot/adapters/github/octokit-factory.js';
import { OctokitGitHub } from '../../bot/adapters/github/octokit-github.js';
import { startGitHubHttpFake, type GitHubHttpFake } from '../fakes/github/github-http.js';

const MARKER = '<!-- prenv:sticky pr-7 -->';
let fake: GitHubHttpFake | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function adapter(url: string, auth: GitHubAuth): OctokitGitHub {
  const octokit = createOctokit({ auth, baseUrl: url });
  return new OctokitGitHub(octokit, { owner: 'aipacto', repo: 'aipacto' }, [], auth.mode);
}

const appAuth = (): GitHubAuth => ({
  mode: 'app',
  appId: '1',
  installationId: 2,
  privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs1', format: 'pem' })
    .toString(),
});

describe('the sticky comment is the one with the marker written by the bot itself', () => {
  it('never edits a user’s comment that carries the marker (token: the token’s user)', async () => {
    fake = await startGitHubHttpFake('prenv-token-user');
    const planted = fake.state.userComment(7, `${MARKER}\nplanted by a user`, 'mallory');
    const gh = adapter(fake.url, { mode: 'token', token: 'ghp_x' });
    const id = await gh.upsertStickyComment(7, MARKER, 'deploying');
    expect(id).not.toBe(planted.id);
    expect(await gh.upsertStickyComment(7, MARKER, 'live')).toBe(id);
    expect(planted.history).toEqual([`${MARKER}\nplanted by a user`]);
    const own = fake.state.comments.find((c) => c.id === id)!;
    expect(own).toMatchObject({ author: 'prenv-token-user', body: `${MARKER}\nlive` });
    expect(fake.requests.filter((r) => r === 'GET /user')).toHaveLength(1);
  });

  it('knows a GitHub App’s comments by <slug>[bot], asked of GET /app once', async () => {
    fake = await startGitHubHttpFake('prenv-preview[bot]');
    const lookalike = fake.state.userComment(7, `${MARKER}\nold`, 'prenv-previews[bot]');
    const ours = fake.state.userComment(7, `${MARKER}\nold`, 'prenv-preview[bot]');
    const gh = adapter(fake.url, appAuth());
    expect(await gh.upsertStickyComment(7, MARKER, 'queued')).toBe(ours.id);
    expect(await gh.upsertStickyComment(7, MARKER, 'live')).toBe(ours.id);
    expect(ours.body).toBe(`${MARKER}\nlive`);
    expect(lookalike.history).toEqual([`${MARKER}\nold`]);
    expect(fake.requests.filter((r) => r === 'GET /app')).toHaveLength(1);
  });

  it('compares logins without case', async () => {
    fake = await startGitHubHttpFake('Prenv-Bot');
    const ours = fake.state.userComment(7, `${MARKER}\nold`, 'prenv-bot');
    const gh = adapter(fake.url, { mode: 'token', token: 'ghp_x' });
    expect(await gh.upsertStickyComment(7, MARKER, 'live')).toBe(ours.id);
  });
});
