import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../bot/core/events.js';
import { silentLogger } from '../../bot/core/logger.js';
import type { ClusterEnvironment } from '../../bot/core/model.js';
import { planContext } from '../../bot/core/plan-context.js';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import type { ClusterDeployer } from '../../bot/runtime/cluster-deploy-executor.js';
import { Engine } from '../../bot/runtime/engine.js';
import { MemoryGitHub } from '../fakes/github/memory-github.js';
import { ScriptedOps } from '../fakes/ops/scripted-ops.js';
import { until } from './harness.js';

const SHA = (n: number) => `${n}`.padStart(4, '0').padEnd(40, 'c');

/** A deployer that records what it was asked and finishes when the test says so. */
class GatedDeployer implements ClusterDeployer {
  readonly calls: { environment: ClusterEnvironment; sha: string }[] = [];
  private release: (() => void) | null = null;
  fail: string | null = null;

  async deploy(environment: ClusterEnvironment, sha: string, run: { signal?: AbortSignal }) {
    this.calls.push({ environment, sha });
    await new Promise<void>((resolve, reject) => {
      this.release = resolve;
      run.signal?.addEventListener('abort', () => reject(new Error('aborted')));
    });
    if (this.fail) throw new Error(this.fail);
    return { url: `https://${environment}.example.com` };
  }

  finish(): void {
    this.release?.();
    this.release = null;
  }
}

function engineOn(file: string, github: MemoryGitHub, deployer: ClusterDeployer) {
  const store = openSqliteStore(file);
  const engine = new Engine({
    store,
    github,
    ops: new ScriptedOps(),
    logger: silentLogger,
    settleMs: 0,
    queueEditDebounceMs: 0,
    secrets: ['hcloud-secret'],
    clusterDeployer: deployer,
    context: () =>
      planContext({
        now: Date.now(),
        previewUrl: (pr) => `https://pr-${pr}.example.com`,
        deployOnPush: {
          production: null,
          staging: 'staging',
          checks: ['build'],
          checksTimeoutMs: 60_000,
          checkEveryMs: 60_000,
          url: (env) => `https://${env}.example.com`,
        },
      }),
  });
  const deliver = (id: string, event: DomainEvent) =>
    store.enqueue({ id, name: event.kind, payload: event, receivedAt: Date.now() });
  return { engine, store, deliver };
}

const push = (sha: string, branch = 'main'): DomainEvent => ({
  kind: 'branch_pushed',
  branch,
  sha,
  defaultBranch: 'main',
});

describe('engine: deploy on push', () => {
  it('deploys once the checks pass, one at a time, the newest commit after the run', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'prenv-push-')), 'state.db');
    const github = new MemoryGitHub();
    const deployer = new GatedDeployer();
    const { engine, store, deliver } = engineOn(file, github, deployer);
    await engine.start();
    github.setChecks(SHA(1), { name: 'build', state: 'pending' });
    await deliver('p1', push(SHA(1)));
    await engine.drain();
    await engine.idle();
    expect(deployer.calls).toEqual([]);

    github.setChecks(SHA(1), { name: 'build', state: 'success' });
    await deliver('c1', { kind: 'checks_changed', sha: SHA(1) });
    await engine.drain();
    await until(() => deployer.calls.length === 1, 'the deploy of c1 starts');

    // Two more pushes, both built, while c1 deploys: only the newest follows.
    github.setChecks(SHA(2), { name: 'build', state: 'success' });
    github.setChecks(SHA(3), { name: 'build', state: 'success' });
    await deliver('p2', push(SHA(2)));
    await deliver('p3', push(SHA(3)));
    await engine.drain();
    await until(
      async () => (await store.loadWorld()).world.deploys?.production?.next?.checks === 'success',
      'c3 passed its checks',
    );
    expect(deployer.calls).toHaveLength(1);
    deployer.finish();
    await until(() => deployer.calls.length === 2, 'the deploy of c3 starts');
    deployer.finish();
    await engine.idle();
    expect(deployer.calls.map((c) => c.sha)).toEqual([SHA(1), SHA(3)]);
    const deployments = github.deployments.filter((d) => d.environment === 'production');
    expect(deployments.map((d) => [d.ref, d.statuses])).toEqual([
      [SHA(1), ['queued', 'in_progress', 'success']],
      [SHA(3), ['in_progress', 'success']],
    ]);
    expect(github.deployments.map((d) => d.ref)).not.toContain(SHA(2));
    await engine.stop();
    await store.close();
  });

  it('resumes a deploy in flight after a restart, and a failure is reported redacted', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'prenv-push-')), 'state.db');
    const github = new MemoryGitHub();
    const first = new GatedDeployer();
    const one = engineOn(file, github, first);
    await one.engine.start();
    github.setChecks(SHA(7), { name: 'build', state: 'success' });
    await one.deliver('p7', push(SHA(7), 'staging'));
    await one.engine.drain();
    await until(() => first.calls.length === 1, 'the staging deploy starts');
    await one.engine.stop(100);
    await one.store.close();

    const second = new GatedDeployer();
    second.fail = 'terraform apply failed: token hcloud-secret refused';
    const two = engineOn(file, github, second);
    await two.engine.start();
    await until(() => second.calls.length === 1, 'the staging deploy runs again');
    expect(second.calls).toEqual([{ environment: 'staging', sha: SHA(7) }]);
    second.finish();
    await two.engine.idle();
    const world = (await two.store.loadWorld()).world;
    expect(world.deploys?.staging).toMatchObject({ run: null, deployedSha: null });
    expect(world.deploys?.staging?.lastError).toBe(
      'terraform apply failed: token [REDACTED] refused',
    );
    expect(
      github.deployments
        .filter((d) => d.environment === 'staging')
        .at(-1)
        ?.statuses.at(-1),
    ).toBe('failure');
    await two.engine.stop();
    await two.store.close();
  });
});
