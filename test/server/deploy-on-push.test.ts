/**
 * `prenv serve` deploys production on a push to the default branch, through the production
 * pipeline, only once the commit's checks pass: a real process, the GitHub HTTP fake, real Caddy
 * and Consul, the Nomad double and the simulated cloud.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import type { World } from '../../bot/core/model.js';
import { startTryItStack, type TryItStack } from '../../scripts/local-stack-env.js';
import { startGitHubHttpFake, type GitHubHttpFake } from '../fakes/github/github-http.js';
import { until } from '../runtime/harness.js';
import { inRepository, realPayload, signedDelivery } from '../support/webhook-examples.js';
import { pushPayload } from '../support/serve-stack.js';
import { repoRoot } from '../support/tools.js';
import { startServe, type ServeProcess } from './serve-process.js';

const REPO = 'aipacto/aipacto';
const BUILT = 'b0117c0de'.padEnd(40, '1');
const FOREIGN = 'f0e1c0de'.padEnd(40, '2');
const FORGED = 'f0e9ed00'.padEnd(40, '3');
const FEATURE = 'fea70e00'.padEnd(40, '4');

let tryIt: TryItStack;
let github: GitHubHttpFake;
let serve: ServeProcess;

beforeAll(async () => {
  [tryIt, github] = await Promise.all([
    startTryItStack({ configFile: path.join(repoRoot, 'examples/aipacto/prenv.yml') }),
    startGitHubHttpFake(),
  ]);
  appendFileSync(tryIt.configFile, 'deploy_on_push:\n  checks: [build]\n');
  serve = await startServe(tryIt.configFile, {
    ...tryIt.env,
    PRENV_GITHUB_TOKEN: 'ghp_deploy_on_push_test',
    PRENV_GITHUB_API_URL: github.url,
    PRENV_SETTLE_MS: '0',
    PRENV_TICK_MS: '500',
    PRENV_RECONCILE: 'off',
  });
}, 90_000);

afterAll(async () => {
  serve?.child.kill('SIGTERM');
  await serve?.child;
  await Promise.allSettled([tryIt?.stop(), github?.close()]);
});

function checkSuiteCompleted(sha: string): Record<string, unknown> {
  const payload = inRepository(realPayload('check_suite', 'completed'), REPO);
  (payload.check_suite as Record<string, unknown>).head_sha = sha;
  return payload;
}

const production = () => github.state.deployments.filter((d) => d.environment === 'production');

async function world(): Promise<World> {
  const store = openSqliteStore(tryIt.env.PRENV_STATE!);
  try {
    return (await store.loadWorld()).world;
  } finally {
    await store.close();
  }
}

describe('prenv serve: deploy on push', { timeout: 120_000 }, () => {
  it('ignores a forged push, a foreign repository and other branches', async () => {
    const forged = await signedDelivery(
      'push',
      pushPayload('main', FORGED),
      'not-the-secret',
      'forged',
    );
    const res = await fetch(`http://127.0.0.1:${serve.port}/webhooks/github`, {
      method: 'POST',
      headers: forged.headers,
      body: forged.body,
    });
    expect(res.status).toBe(401);
    expect(await serve.post('push', pushPayload('main', FOREIGN, 'evil/aipacto'), 'foreign')).toBe(
      202,
    );
    expect(await serve.post('push', pushPayload('feature/x', FEATURE), 'feature')).toBe(202);
    // A later delivery is planned after these: once it is seen, they were planned (or ignored).
    github.state.setChecks(BUILT, { name: 'build', state: 'pending' });
    expect(await serve.post('push', pushPayload('main', BUILT), 'push-built')).toBe(202);
    await until(
      () => production()[0]?.statuses.includes('queued') ?? false,
      'a production deployment is queued',
      20_000,
    );
    expect(production().map((d) => d.ref)).toEqual([BUILT]);
    expect(github.state.deployments.map((d) => d.ref)).not.toContain(FOREIGN);
    expect((await world()).deploys?.staging).toBeUndefined();
  });

  it('waits for the checks, then deploys production through the production pipeline', async () => {
    expect(production()[0]!.statuses).toEqual(['queued']);
    // The checks were read once at the push (ticks read them again at most every 30 s).
    await new Promise((r) => setTimeout(r, 1_500));
    expect(tryIt.stack.nomad.cluster.jobs.has('aipacto-production')).toBe(false);
    const reads = (what: string) =>
      github.requests.filter((r) => r === `GET /repos/${REPO}/commits/${BUILT}/${what}`).length;
    expect(reads('check-runs')).toBe(1);
    expect(reads('status')).toBe(reads('check-runs'));
    expect((await world()).deploys?.production?.next).toMatchObject({
      sha: BUILT,
      checks: 'pending',
      detail: 'waiting for build',
    });

    github.state.setChecks(BUILT, { name: 'build', state: 'success' });
    expect(await serve.post('check_suite', checkSuiteCompleted(BUILT), 'suite-built')).toBe(202);
    await until(
      () => production()[0]?.statuses.includes('success') ?? false,
      'production deployment succeeds',
      60_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${serve.logs()}`);
    });
    expect(production()[0]).toMatchObject({
      ref: BUILT,
      statuses: ['queued', 'in_progress', 'success'],
      url: 'https://aipacto.com',
    });
    const job = tryIt.stack.nomad.cluster.jobs.get('aipacto-production');
    const groups = (job?.TaskGroups ?? []) as { Meta?: Record<string, string> }[];
    expect(groups.map((g) => g.Meta?.prenv_sha)).toEqual([BUILT, BUILT]);
    expect(await tryIt.stack.cloud.clusterServers('production')).toHaveLength(3);
    expect((await tryIt.stack.get('aipacto.com')).status).toBe(200);
    expect((await world()).deploys?.production).toMatchObject({
      deployedSha: BUILT,
      run: null,
      next: null,
    });
    const metrics = await (await fetch(`http://127.0.0.1:${serve.port}/metrics`)).text();
    expect(metrics).toMatch(
      /prenv_run_duration_seconds_count\{kind="deploy_production",outcome="succeeded"\} 1/,
    );
    expect(serve.logs()).not.toContain('ghp_deploy_on_push_test');
    expect(Object.keys((await world()).envs)).toEqual([]);
  });
});
