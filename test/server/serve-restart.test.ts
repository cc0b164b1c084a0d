import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import type { LocalStack } from '../support/local-stack.js';
import { pullRequestPayload, startServeStack, type ServeStack } from '../support/serve-stack.js';
import { until } from '../runtime/harness.js';
import { startServe, type ServeProcess } from './serve-process.js';

let serving: ServeStack;
let stack: LocalStack;
let configFile: string;

beforeAll(async () => {
  serving = await startServeStack({
    githubToken: 'ghp_serve_test',
    // Open previews, as in the local stack: no bot answers Caddy's forward_auth here.
    edit: (text) => text.replace(/^previews:\n/m, 'previews:\n  protect: none\n'),
  });
  ({ stack, configFile } = serving);
}, 90_000);

afterAll(async () => {
  await serving?.stop();
});

/** Slow applies (1.5 s a resource), so a kill lands in one; the reconciler as in production. */
const serveEnv = (name: string) =>
  serving.env({ PRENV_FAKE_TF_DELAY_MS: '1500', PRENV_RECONCILE: undefined }, name);

const prPayload = (action: string, pr: number) => pullRequestPayload(serving.github, action, pr);

async function phaseOf(statePath: string, pr: number): Promise<string | undefined> {
  const store = openSqliteStore(statePath);
  try {
    return (await store.loadWorld()).world.envs[pr]?.phase;
  } finally {
    await store.close();
  }
}

async function killHard(serve: ServeProcess): Promise<void> {
  serve.child.kill('SIGKILL');
  await serve.child;
}

/** Terraform keeps running after the bot dies (its own process group) and then releases its lock. */
async function terraformFinished(pr: number): Promise<void> {
  await until(
    () => !existsSync(path.join(stack.stateDir, 'prenv', 'pr', `${pr}.tfstate.tflock`)),
    'terraform released its lock',
    20_000,
  );
}

describe('prenv serve killed with SIGKILL mid-deploy', { timeout: 90_000 }, () => {
  it('converges after a restart: the environment goes live', async () => {
    const env = serveEnv('live');
    const first = await startServe(configFile, env);
    expect(await first.post('pull_request', prPayload('opened', 21), 'open-21')).toBe(202);
    await until(
      () => existsSync(path.join(stack.stateDir, 'prenv', 'pr', '21.tfstate.tflock')),
      'terraform apply runs',
    );
    await killHard(first);
    await terraformFinished(21);

    const second = await startServe(configFile, env);
    await until(
      async () => (await phaseOf(env.PRENV_STATE!, 21)) === 'live',
      'pr-21 is live',
      30_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${second.logs()}`);
    });
    expect((await stack.get('pr-21.pr.aipacto.com', '/')).status).toBe(200);
    second.child.kill('SIGTERM');
    const result = await second.child;
    expect(result.exitCode).toBe(0);
    expect(second.logs()).not.toContain('ghp_serve_test');
  });

  it('converges after a restart: a PR closed meanwhile is destroyed and no server is left', async () => {
    const env = serveEnv('closed');
    const first = await startServe(configFile, env);
    expect(await first.post('pull_request', prPayload('opened', 22), 'open-22')).toBe(202);
    await until(
      () => existsSync(path.join(stack.stateDir, 'prenv', 'pr', '22.tfstate.tflock')),
      'terraform apply runs',
    );
    await killHard(first);
    await terraformFinished(22);

    const second = await startServe(configFile, env);
    expect(await second.post('pull_request', prPayload('closed', 22), 'close-22')).toBe(202);
    await until(
      async () => (await phaseOf(env.PRENV_STATE!, 22)) === 'absent',
      'pr-22 is destroyed',
      30_000,
    );
    await until(
      async () => !(await stack.cloud.servers()).includes(22),
      'no server for pr-22',
      10_000,
    );
    expect((await stack.get('pr-22.pr.aipacto.com', '/')).status).toBe(404);
    second.child.kill('SIGTERM');
    await second.child;
  });
});
