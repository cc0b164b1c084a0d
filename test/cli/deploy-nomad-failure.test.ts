import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../bot/config/load.js';
import type { CaddyAdminClient } from '../../bot/adapters/caddy/admin-client.js';
import { createNomadClient, type NomadApi } from '../../bot/adapters/nomad/index.js';
import { loadJobspecSchema } from '../../bot/adapters/nomad/jobspec-schema-file.js';
import type { TerraformRunner } from '../../bot/adapters/terraform/index.js';
import { loadTemplates } from '../../bot/adapters/templates/load-templates.js';
import { clusterOps, DeploymentFailedError } from '../../bot/runtime/cluster-ops.js';
import { waitForJobDeployment } from '../../bot/runtime/waits.js';
import { startFakeNomad, type FakeNomad } from '../fakes/nomad-api/server.js';
import { repoRoot } from '../support/tools.js';

const file = path.join(repoRoot, 'examples/aipacto/prenv.yml');
const config = loadConfigOrThrow(readFileSync(file, 'utf8'), file);
const NODES = ['aipacto-production-server-1', 'aipacto-production-server-2'];

/** Terraform that has already created the servers: the apply of the saved plan reports them as outputs. */
const appliedTerraform = {
  init: async () => undefined,
  plan: async () => ({
    hasChanges: false,
    changes: { add: 0, change: 0, destroy: 0 },
    resourceChanges: [],
  }),
  applySaved: async () => ({
    changes: { add: 0, change: 0, destroy: 0 },
    outputs: { node_names: NODES },
  }),
} as unknown as TerraformRunner;

const unreachableCaddy = new Proxy({} as CaddyAdminClient, {
  get: () => () => Promise.reject(new Error('Caddy must not be touched after a failed deploy')),
});

let nomad: FakeNomad | undefined;
afterEach(async () => {
  await nomad?.close();
  nomad = undefined;
});

describe('a failed Nomad deployment of production', () => {
  it('stops the deploy before Caddy and says that auto_revert rolls the job back', async () => {
    nomad = await startFakeNomad({ failingGroups: ['web'] });
    for (const name of NODES) nomad.addNode({ name, nodePool: 'default' });
    const ops = clusterOps({
      config,
      templates: await loadTemplates(),
      schema: loadJobspecSchema(),
      terraform: appliedTerraform,
      terraformDir: repoRoot,
      nomad: createNomadClient({ baseUrl: nomad.url, fetch }),
      caddy: unreachableCaddy,
      pollMs: 20,
    });
    const steps: string[] = [];
    const error = await ops
      .deploy('production', 'abc1234', { step: (s) => steps.push(s), note: () => undefined })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(DeploymentFailedError);
    expect((error as DeploymentFailedError).autoRevert).toBe(true);
    expect((error as Error).message).toBe(
      'the Nomad deployment of aipacto-production failed (failed: Failed due to unhealthy ' +
        'allocations). auto_revert is on: Nomad rolls aipacto-production back to its last ' +
        'stable version. See `nomad job status aipacto-production` and the allocation logs.',
    );
    expect(steps.at(-1)).toBe('waiting for the Nomad deployment of aipacto-production');
  });
});

describe('waiting for a Nomad deployment', () => {
  const api = (deployment: { JobVersion: number; Status: string; StatusDescription: string }) =>
    ({
      readJob: async () => ({ ID: 'web', Version: 4, Update: { AutoRevert: true } }),
      latestDeployment: async () => ({ ID: 'd1', JobID: 'web', ...deployment }),
    }) as unknown as NomadApi;
  const options = { timeoutMs: 1_000, pollMs: 10 };

  it('reads the version Nomad rolled back to from the deployment', async () => {
    const result = await waitForJobDeployment(
      api({
        JobVersion: 4,
        Status: 'failed',
        StatusDescription: 'Failed due to unhealthy allocations - rolling back to job version 3',
      }),
      'web',
      options,
    );
    expect(result).toMatchObject({ status: 'failed', autoRevert: true, revertedTo: 3 });
  });

  it('treats a newer version as the rollback of a failed one', async () => {
    const result = await waitForJobDeployment(
      api({ JobVersion: 5, Status: 'running', StatusDescription: 'Deployment is running' }),
      'web',
      options,
    );
    expect(result).toEqual({
      status: 'failed',
      description: 'version 4 was replaced by version 5',
      autoRevert: true,
      revertedTo: 5,
    });
  });

  it('gives up after its timeout, naming the job', async () => {
    const running = api({ JobVersion: 4, Status: 'running', StatusDescription: '' });
    await expect(
      waitForJobDeployment(running, 'web', { timeoutMs: 30, pollMs: 10 }),
    ).rejects.toThrow('the Nomad deployment of web did not finish within 0.03s (status: running)');
  });
});
