import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOctokit } from '../../bot/adapters/github/octokit-factory.js';
import { OctokitGitHub } from '../../bot/adapters/github/octokit-github.js';
import { parseCommand } from '../../bot/core/commands.js';
import { fastLimits } from '../support/fast-octokit.js';
import { startPrism, type PrismServer } from '../support/prism.js';
import { createHarness, pull } from './harness.js';

let prism: PrismServer;

beforeAll(async () => {
  prism = await startPrism();
}, 90_000);

afterAll(async () => {
  await prism?.stop();
});

// Prism answers from GitHub's examples, whose comments never carry our marker, so the sticky
// comment is created each time here; editing it in place is covered in test/github/.
describe('every GitHub request of a PR life cycle', () => {
  it("passes GitHub's OpenAPI description", async () => {
    const octokit = createOctokit({
      auth: { mode: 'token', token: 'ghp_x' },
      baseUrl: prism.baseUrl,
      fetch: prism.fetch,
      ...fastLimits(),
    });
    const h = createHarness({
      mirror: new OctokitGitHub(octokit, { owner: 'aipacto', repo: 'aipacto' }),
    });
    h.github.pulls.set(9, { ...pull(9, 'sha-9-1'), baseRef: 'main', state: 'open', merged: false });
    h.github.permissions.set('maintainer', 'write');
    h.github.permissions.set('visitor', 'read');

    await h.deliver('open', { kind: 'pr_opened', pull: pull(9, 'sha-9-0') });
    await h.engine.idle();
    await h.deliver('push', { kind: 'pr_updated', pull: pull(9, 'sha-9-1') });
    await h.engine.idle();
    const command = (body: string) => {
      const parsed = parseCommand(body);
      if (!parsed) throw new Error(`no command in ${body}`);
      return parsed;
    };
    await h.deliver('c1', {
      kind: 'comment_command',
      pr: 9,
      commentId: 41,
      actor: 'maintainer',
      command: command('/redeploy'),
      writtenAt: '2025-01-15T12:00:00.000Z',
    });
    await h.deliver('c2', {
      kind: 'comment_command',
      pr: 9,
      commentId: 42,
      actor: 'visitor',
      command: command('/destroy'),
      writtenAt: '2025-01-15T12:00:00.000Z',
    });
    await h.engine.idle();
    await h.deliver('close', {
      kind: 'pr_closed',
      pull: pull(9, 'sha-9-1', { state: 'closed', merged: true }),
    });
    await h.engine.idle();
    await h.engine.stop();

    const kinds = new Set(
      prism.requests.map((r) => `${r.method} ${new URL(r.url).pathname.replace(/\d+/g, 'N')}`),
    );
    expect(kinds).toEqual(
      new Set([
        'GET /user',
        'GET /repos/aipacto/aipacto/issues/N/comments',
        'POST /repos/aipacto/aipacto/issues/N/comments',
        'POST /repos/aipacto/aipacto/deployments',
        'POST /repos/aipacto/aipacto/deployments/N/statuses',
        'GET /repos/aipacto/aipacto/deployments',
        'GET /repos/aipacto/aipacto/pulls/N',
        'GET /repos/aipacto/aipacto/collaborators/maintainer/permission',
        'GET /repos/aipacto/aipacto/collaborators/visitor/permission',
        'POST /repos/aipacto/aipacto/issues/comments/N/reactions',
      ]),
    );
    expect(prism.violations).toEqual([]);
    expect(h.github.reactions.map((r) => [r.commentId, r.content])).toEqual([
      [41, 'eyes'],
      [42, '-1'],
    ]);
  });
});
