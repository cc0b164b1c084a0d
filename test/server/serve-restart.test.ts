import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../bot/config/load.js';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import { startLocalStack, FAKE_TERRAFORM, type LocalStack } from '../support/local-stack.js';
import { startGitHubHttpFake, type GitHubHttpFake } from '../fakes/github/github-http.js';
import { repoRoot } from '../support/tools.js';
import { inRepository, realPayload } from '../support/webhook-examples.js';
import { until } from '../runtime/harness.js';
import { startServe, type ServeProcess } from './serve-process.js';
import { FAKE_PRODUCTION_OUTPUTS } from '../../scripts/local-stack-env.js';

let stack: LocalStack;
let github: GitHubHttpFake;
let dir: string;
let configFile: string;

beforeAll(async () => {
  const example = path.join(repoRoot, 'examples/aipacto/prenv.yml');
  const text = readFileSync(example, 'utf8');
  [stack, github] = await Promise.all([
    startLocalStack(loadConfigOrThrow(text, example)),
    startGitHubHttpFake(),
  ]);
  dir = mkdtempSync(path.join(tmpdir(), 'prenv-serve-'));
  configFile = path.join(dir, 'prenv.yml');
  // Open previews, as in the local stack: no bot answers Caddy's forward_auth here.
  const open = text.replace(/^previews:\n/m, 'previews:\n  protect: none\n');
  writeFileSync(configFile, `${open}consul:\n  dns: "${stack.config.consul.dns}"\n`);
}, 90_000);

afterAll(async () => {
  await Promise.allSettled([stack?.stop(), github?.close()]);
});

function productionOutputs(): string {
  const file = path.join(dir, 'production-outputs.json');
  writeFileSync(file, JSON.stringify(FAKE_PRODUCTION_OUTPUTS));
  return file;
}

function serveEnv(name: string): Record<string, string> {
  return {
    PRENV_GITHUB_TOKEN: 'ghp_serve_test',
    PRENV_GITHUB_API_URL: github.url,
    PRENV_STATE: path.join(dir, `${name}.db`),
    PRENV_NOMAD_ADDR: stack.nomad.url,
    PRENV_CONSUL_ADDR: stack.consul.httpUrl,
    PRENV_CADDY_ADMIN: stack.caddy.adminUrl,
    PRENV_TERRAFORM_BIN: FAKE_TERRAFORM,
    PRENV_TERRAFORM_DIR: mkdtempSync(path.join(dir, 'tf-')),
    PRENV_TF_PRODUCTION_OUTPUTS: productionOutputs(),
    PRENV_FAKE_TF_STATE_DIR: stack.stateDir,
    PRENV_FAKE_TF_DELAY_MS: '1500',
    PRENV_SETTLE_MS: '0',
    PRENV_TICK_MS: '500',
  };
}

/** A real payload for PR `pr`, which the GitHub fake then knows as open (or closed). */
function prPayload(action: string, pr: number): Record<string, unknown> {
  const payload = realPayload(
    'pull_request',
    action,
    (p) => !(p.pull_request as { draft: boolean }).draft,
  );
  const pull = payload.pull_request as Record<string, unknown>;
  pull.number = pr;
  payload.number = pr;
  const head = pull.head as { sha: string; ref: string };
  if (action === 'closed') github.closePull(pr);
  else {
    github.openPull({
      number: pr,
      headSha: head.sha,
      headRef: head.ref,
      baseRef: 'main',
      title: String(pull.title),
      draft: false,
      fork: false,
      author: 'dev',
    });
  }
  return inRepository(payload, 'aipacto/aipacto');
}

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
