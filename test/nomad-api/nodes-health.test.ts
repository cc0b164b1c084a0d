import { afterEach, describe, expect, it } from 'vitest';
import {
  allocationHealth,
  createNomadClient,
  latestDeployment,
  noRetry,
  nodeReadyForPr,
  submitJob,
  waitForNode,
} from '../../bot/adapters/nomad/index.js';
import type { FakeNomad, FakeNomadOptions } from '../fakes/nomad-api/server.js';
import { startFakeNomad } from '../fakes/nomad-api/server.js';
import { previewJobHcl } from './fixtures.js';

let nomad: FakeNomad | undefined;
afterEach(async () => {
  await nomad?.close();
  nomad = undefined;
});

async function start(options: FakeNomadOptions = {}) {
  nomad = await startFakeNomad(options);
  return { nomad, api: createNomadClient({ baseUrl: nomad.url, fetch, retry: noRetry }) };
}

describe('preview nodes', () => {
  it('finds the ready node of a PR through a Meta filter and a full node read', async () => {
    const { nomad, api } = await start();
    nomad.addNode({ pr: 8, nodePool: 'previews' });
    const id = nomad.addNode({ pr: 7, nodePool: 'previews' });
    const check = await nodeReadyForPr(api, 7);
    expect(check).toMatchObject({ ready: true, node: { ID: id, Meta: { pr: '7' } } });
    const list = nomad.requests.find((r) => r.path === '/v1/nodes');
    expect(list?.query.filter).toBe('Meta["pr"] == "7"');
    expect(nomad.requests.at(-1)?.path).toBe(`/v1/node/${id}`);
  });

  it('says why a node is not ready yet', async () => {
    const { nomad, api } = await start();
    nomad.addNode({ pr: 7, nodePool: 'previews', status: 'initializing' });
    expect(await nodeReadyForPr(api, 7)).toMatchObject({
      ready: false,
      reason: 'not_ready',
      why: 'status is "initializing"',
    });
    nomad.addNode({ pr: 9, nodePool: 'default' });
    expect(await nodeReadyForPr(api, 9)).toMatchObject({
      ready: false,
      why: expect.stringContaining('node pool'),
    });
    expect(await nodeReadyForPr(api, 10)).toEqual({ ready: false, reason: 'absent' });
  });

  it('waits until the node joins, polling with the injected sleep and clock', async () => {
    const { nomad, api } = await start();
    let clock = 0;
    const sleeps: number[] = [];
    const result = await waitForNode(api, 7, {
      timeoutMs: 60_000,
      intervalMs: 5_000,
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
        if (clock === 15_000) nomad.addNode({ pr: 7, nodePool: 'previews' });
      },
    });
    expect(result.ready).toBe(true);
    expect(sleeps).toEqual([5_000, 5_000, 5_000]);
  });

  it('gives up after the timeout with the last thing it saw', async () => {
    const { nomad, api } = await start();
    nomad.addNode({ pr: 7, nodePool: 'previews', eligibility: 'ineligible' });
    let clock = 0;
    const result = await waitForNode(api, 7, {
      timeoutMs: 12_000,
      intervalMs: 5_000,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    });
    expect(result).toMatchObject({
      ready: false,
      reason: 'timeout',
      last: { reason: 'not_ready' },
    });
    expect(clock).toBe(12_000);
  });

  it('stops waiting when aborted', async () => {
    const { api } = await start();
    const controller = new AbortController();
    const result = await waitForNode(api, 7, {
      timeoutMs: 60_000,
      intervalMs: 1_000,
      signal: controller.signal,
      sleep: async () => controller.abort(),
    });
    expect(result).toMatchObject({ ready: false, reason: 'aborted' });
  });
});

describe('allocation health and deployments', () => {
  it('reports pending allocations, then healthy ones after the delay', async () => {
    let clock = 1_000_000;
    const { nomad, api } = await start({ healthyAfterMs: 30_000, now: () => clock });
    nomad.addNode({ pr: 7, nodePool: 'previews' });
    await submitJob(api, await api.parseJob(previewJobHcl({ pr: 7, count: 2 })), {
      project: 'p',
      env: 'pr-7',
    });

    expect(await allocationHealth(api, 'pr-7-web')).toEqual([
      { group: 'web', desired: 2, running: 0, healthy: 0, unhealthy: 0, failed: 0 },
    ]);
    expect((await latestDeployment(api, 'pr-7-web')).state).toBe('running');

    clock += 30_000;
    expect(await allocationHealth(api, 'pr-7-web')).toEqual([
      { group: 'web', desired: 2, running: 2, healthy: 2, unhealthy: 0, failed: 0 },
    ]);
    expect(nomad.requests.some((r) => r.path === '/v1/job/pr-7-web/allocations')).toBe(true);
    const done = await latestDeployment(api, 'pr-7-web');
    expect(done).toMatchObject({
      state: 'successful',
      deployment: { JobID: 'pr-7-web', Status: 'successful' },
    });
  });

  it('reports failed allocations and a failed deployment', async () => {
    const { nomad, api } = await start({ failingGroups: ['web'] });
    nomad.addNode({ pr: 7, nodePool: 'previews' });
    await submitJob(api, await api.parseJob(previewJobHcl({ pr: 7 })), {
      project: 'p',
      env: 'pr-7',
    });
    expect(await allocationHealth(api, 'pr-7-web')).toEqual([
      { group: 'web', desired: 1, running: 0, healthy: 0, unhealthy: 1, failed: 1 },
    ]);
    expect((await latestDeployment(api, 'pr-7-web')).state).toBe('failed');
  });

  it('places nothing until the preview node exists', async () => {
    const { nomad, api } = await start();
    await submitJob(api, await api.parseJob(previewJobHcl({ pr: 7 })), {
      project: 'p',
      env: 'pr-7',
    });
    expect(await allocationHealth(api, 'pr-7-web')).toEqual([]);
    nomad.addNode({ pr: 7, nodePool: 'previews' });
    expect((await allocationHealth(api, 'pr-7-web'))[0]).toMatchObject({ desired: 1, healthy: 1 });
  });

  it('has no deployment for a job that does not exist', async () => {
    const { api } = await start();
    expect(await latestDeployment(api, 'nope')).toEqual({ state: 'none' });
  });
});
