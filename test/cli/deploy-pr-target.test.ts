import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../bot/config/load.js';
import type { PullRequestDetails } from '../../bot/adapters/github/github-port.js';
import { resolvePrTarget } from '../../bot/cli/deploy/pr-target.js';
import { CliError } from '../../bot/cli/exit-codes.js';
import { MemoryGitHub } from '../fakes/github/memory-github.js';
import { repoRoot } from '../support/tools.js';

const file = path.join(repoRoot, 'examples/aipacto/prenv.yml');
const config = loadConfigOrThrow(readFileSync(file, 'utf8'), file);

function details(overrides: Partial<PullRequestDetails> = {}): PullRequestDetails {
  return {
    number: 7,
    headSha: '8d41e07',
    headRef: 'feature/login',
    baseRef: 'main',
    title: 'Add the login page',
    draft: false,
    fork: false,
    author: 'dev',
    state: 'open',
    merged: false,
    ...overrides,
  };
}

function github(pull?: PullRequestDetails): MemoryGitHub {
  const gh = new MemoryGitHub();
  if (pull) gh.pulls.set(pull.number, pull);
  return gh;
}

const resolve = (input: Partial<Parameters<typeof resolvePrTarget>[0]>) =>
  resolvePrTarget({
    config,
    pr: 7,
    command: 'deploy',
    sha: undefined,
    github: null,
    known: undefined,
    ...input,
  });

async function refusal(promise: Promise<unknown>): Promise<{ code: number; message: string }> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof CliError)) throw new Error(`expected a CliError, got ${String(err)}`);
  return { code: err.exitCode, message: err.message };
}

describe('the pull request a CLI deploy acts on', () => {
  it("deploys the PR's head from GitHub, or the --sha given", async () => {
    const gh = github(details());
    expect(await resolve({ github: gh })).toEqual({ pull: details(), sha: '8d41e07' });
    const pinned = await resolve({ github: gh, sha: '3f2c9a1' });
    expect(pinned).toEqual({ pull: details({ headSha: '3f2c9a1' }), sha: '3f2c9a1' });
  });

  it.each([
    [{ state: 'closed' as const }, 'it is closed (reopen it first)'],
    [{ draft: true }, 'it is a draft (mark it ready for review first)'],
  ])('refuses a PR that is %j (4)', async (overrides, why) => {
    const result = await refusal(resolve({ github: github(details(overrides)) }));
    expect(result).toEqual({ code: 4, message: `not deploying pull request #7: ${why}` });
  });

  it('says when the PR does not exist (2)', async () => {
    const result = await refusal(resolve({ github: github() }));
    expect(result).toEqual({
      code: 2,
      message: 'pull request #7 does not exist in aipacto/aipacto',
    });
  });

  it('without GitHub keeps what the state knows of the PR and takes --sha', async () => {
    const known = { ...details(), headSha: 'old0001' };
    const { pull, sha } = await resolve({ known, sha: '3f2c9a1' });
    expect(sha).toBe('3f2c9a1');
    expect(pull).toEqual({ ...known, headSha: '3f2c9a1' });
    expect((await refusal(resolve({ known }))).code).toBe(2);
  });

  it('destroys without a SHA', async () => {
    expect(await resolve({ command: 'destroy' })).toMatchObject({ sha: null, pull: { number: 7 } });
  });
});
