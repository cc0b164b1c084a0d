import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../bot/config/load.js';
import { silentLogger } from '../../bot/core/logger.js';
import { planContext } from '../../bot/core/plan-context.js';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import { Engine } from '../../bot/runtime/engine.js';
import { MemoryGitHub } from '../fakes/github/memory-github.js';
import { startLocalStack, type LocalStack } from '../support/local-stack.js';
import { repoRoot } from '../support/tools.js';
import { pull } from './harness.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const HOST = 'pr-7.pr.aipacto.com';
let stack: LocalStack;

beforeAll(async () => {
  const file = path.join(repoRoot, 'examples/aipacto/prenv.yml');
  stack = await startLocalStack(loadConfigOrThrow(readFileSync(file, 'utf8'), file));
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('a PR environment through real Caddy and Consul', () => {
  it('routes pr-7 to its services after deploy and answers 404 after destroy', async () => {
    const store = openSqliteStore(
      path.join(mkdtempSync(path.join(tmpdir(), 'prenv-stack-db-')), 'state.db'),
    );
    const github = new MemoryGitHub();
    const engine = new Engine({
      store,
      github,
      ops: stack.ops,
      logger: silentLogger,
      context: () => planContext({ now: Date.now(), previewUrl: () => `https://${HOST}` }),
    });
    expect((await stack.get(HOST, '/')).status).toBe(404);

    await store.enqueue({
      id: 'open',
      name: 'pr_opened',
      payload: { kind: 'pr_opened', pull: pull(7, 'abc1234') },
      receivedAt: 1,
    });
    await engine.drain();
    await engine.idle();
    expect((await store.loadWorld()).world.envs[7]).toMatchObject({
      phase: 'live',
      deployedSha: 'abc1234',
    });
    expect(await stack.get(HOST, '/api/users')).toEqual({
      status: 200,
      body: 'aipacto-pr-7-server abc1234',
    });
    expect(await stack.get(HOST, '/')).toEqual({ status: 200, body: 'aipacto-pr-7-web abc1234' });
    expect(await stack.cloud.servers()).toEqual([7]);

    await store.enqueue({
      id: 'close',
      name: 'pr_closed',
      payload: { kind: 'pr_closed', pull: pull(7, 'abc1234', { state: 'closed' }) },
      receivedAt: 2,
    });
    await engine.drain();
    await engine.idle();
    expect((await store.loadWorld()).world.envs[7]?.phase).toBe('absent');
    expect((await stack.get(HOST, '/')).status).toBe(404);
    expect(await stack.cloud.servers()).toEqual([]);
    expect([...stack.nomad.cluster.jobs.keys()]).toEqual([]);
    expect(github.sticky(7)?.history.some((b) => b.includes('live'))).toBe(true);
    await engine.stop();
    await store.close();
  });
});
