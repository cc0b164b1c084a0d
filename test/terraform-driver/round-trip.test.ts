import { existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  TerraformError,
  createTerraformRunner,
  runDirRoot,
} from '../../bot/adapters/terraform/index.js';
import type { ProgressEvent } from '../../bot/adapters/terraform/index.js';
import { createHarness, fakeTerraform } from './harness.js';
import type { Harness } from './harness.js';

describe('terraform driver against the fake CLI: life cycle', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.cleanup());

  it('reports the fake version', async () => {
    await expect(h.runner.version()).resolves.toBe('1.9.8');
  });

  it('applies a saved plan, and refuses it once the state moved after the plan', async () => {
    const prod = h.target('production');
    const vars = { project: 'shop', server_type: 'cx22', location: 'nbg1', server_count: 3 };
    await h.runner.init(prod);
    const planFile = path.join(h.root, 'production.tfplan');
    await h.runner.plan(prod, vars, { out: planFile });
    // Another run changes production in between: the saved plan no longer describes it.
    await h.runner.apply(prod, { ...vars, server_count: 5 });
    const stale = await h.runner.applySaved(prod, planFile, vars).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(TerraformError);
    expect(String((stale as TerraformError).message)).toMatch(/Saved plan is stale/);
    expect(h.servers(prod)).toHaveLength(5);

    await h.runner.plan(prod, vars, { out: planFile });
    const applied = await h.runner.applySaved(prod, planFile, vars);
    expect(applied.changes).toEqual({ add: 0, change: 0, destroy: 2 });
    expect(h.servers(prod)).toHaveLength(3);
  });

  it('plans, applies, reads outputs and destroys a PR environment', async () => {
    const pr7 = h.target('pr', 7);
    const vars = {
      project: 'shop',
      server_type: 'cx23',
      location: 'nbg1',
      preview_domain: 'pr.shop.test',
    };
    await h.runner.init(pr7);
    expect(existsSync(h.statePath(pr7))).toBe(false);

    const plan = await h.runner.plan(pr7, vars);
    expect(plan).toEqual({
      hasChanges: true,
      changes: { add: 1, change: 0, destroy: 0 },
      resourceChanges: [{ address: 'module.preview.hcloud_server.client[0]', action: 'create' }],
    });

    const events: ProgressEvent[] = [];
    const applied = await h.runner.apply(pr7, vars, { onProgress: (e) => events.push(e) });
    expect(applied.changes).toEqual({ add: 1, change: 0, destroy: 0 });
    expect(applied.outputs).toMatchObject({
      node_names: ['pr-7-shop-client-1'],
      pr_number: 7,
      environment_url: 'https://pr-7.pr.shop.test',
    });
    expect(h.servers(pr7)).toEqual([
      expect.objectContaining({ name: 'pr-7-shop-client-1', server_type: 'cx23' }),
    ]);
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'version',
        'planned_change',
        'apply_start',
        'apply_complete',
        'change_summary',
        'outputs',
      ]),
    );
    expect(events.find((e) => e.type === 'apply_start')).toMatchObject({
      resource: 'module.preview.hcloud_server.client[0]',
      action: 'create',
    });

    const outputs = await h.runner.output(pr7);
    expect(outputs).toEqual(applied.outputs);
    expect(outputs.public_ips).toEqual([expect.stringMatching(/^203\.0\.113\.\d+$/)]);

    await expect(h.runner.plan(pr7, vars)).resolves.toEqual({
      hasChanges: false,
      changes: { add: 0, change: 0, destroy: 0 },
      resourceChanges: [],
    });

    const destroyed = await h.runner.destroy(pr7, vars);
    expect(destroyed).toEqual({ add: 0, change: 0, destroy: 1 });
    expect(h.servers(pr7)).toEqual([]);
    await expect(h.runner.output(pr7)).resolves.toEqual({});
    expect(existsSync(h.lockPath(pr7))).toBe(false);
  });

  it('keeps one state per PR and per environment', async () => {
    const pr1 = h.target('pr', 1);
    const pr2 = h.target('pr', 2);
    const staging = h.target('staging');
    for (const t of [pr1, pr2, staging]) await h.runner.init(t);
    await h.runner.apply(pr1, {});
    await h.runner.apply(pr2, {});
    await h.runner.apply(staging, { server_count: 2 });
    await h.runner.destroy(pr1, {});

    expect(h.servers(pr1)).toEqual([]);
    expect(h.servers(pr2).map((s) => s.name)).toEqual(['pr-2-prenv-client-1']);
    expect(h.servers(staging).map((s) => s.name)).toEqual([
      'prenv-staging-server-1',
      'prenv-staging-server-2',
    ]);
    expect(h.statePath(staging)).toMatch(/prenv\/staging\.tfstate$/);
  });

  it('keeps the backend settings of PRs apart in the shared module directory', async () => {
    const pr3 = h.target('pr', 3);
    const pr4 = h.target('pr', 4);
    await h.runner.init(pr3);
    await h.runner.init(pr4);
    await h.runner.apply(pr3, {});
    expect(readdirSync(pr3.dir).sort()).toEqual(['.terraform-pr-3', '.terraform-pr-4']);
    expect((await h.runner.output(pr3)).node_names).toEqual(['pr-3-prenv-client-1']);
    await expect(h.runner.output(pr4)).resolves.toEqual({});
  });

  it('removes the temporary var file after each run', async () => {
    const pr6 = h.target('pr', 6);
    await h.runner.init(pr6);
    await h.runner.apply(pr6, { hcloud_token: 'tok-123456' });
    await h.runner.apply(pr6, {}, { timeoutMs: 60_000 });
    // Run folders live in this user's private root, made by the first run.
    expect(readdirSync(h.root)).toContain(path.basename(runDirRoot(h.root)));
    expect(readdirSync(runDirRoot(h.root))).toEqual([]);
  });

  it('a second run on the same state gives up once the lock timeout has passed', async () => {
    const pr5 = h.target('pr', 5);
    await h.runner.init(pr5);
    const slow = h.runnerWith({ PRENV_FAKE_TF_DELAY_MS: '30000' });
    const controller = new AbortController();
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const first = slow.apply(
      pr5,
      {},
      {
        signal: controller.signal,
        onProgress: (e) => e.type === 'apply_start' && started(),
      },
    );
    await running;

    const events: ProgressEvent[] = [];
    const second = await h
      .runnerWith({}, { lockTimeoutMs: 300 })
      .apply(pr5, {}, { onProgress: (e) => events.push(e) })
      .catch((e: unknown) => e);
    expect(second).toBeInstanceOf(TerraformError);
    expect((second as TerraformError).args).toContain('-lock-timeout=300ms');
    expect(events.map((e) => e.message)).toContain(
      'Acquiring state lock. This may take a few moments...',
    );
    const failure = (second as TerraformError).failure;
    expect(failure.kind).toBe('state_locked');
    if (failure.kind === 'state_locked') {
      expect(failure.operation).toBe('OperationTypeApply');
      expect(failure.lockId).toMatch(/^[0-9a-f-]{36}$/);
      expect(failure.message).toContain(
        `TF_DATA_DIR=.terraform-pr-5 terraform force-unlock -force ${failure.lockId}`,
      );
    }
    controller.abort();
    await expect(first).rejects.toMatchObject({ failure: { kind: 'cancelled' } });
    expect(existsSync(h.lockPath(pr5))).toBe(false);
  });
});

describe('terraform driver: shared backend settings', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.cleanup());

  it('passes the backend settings file to init, relative to the module directory', async () => {
    await writeFile(path.join(h.moduleDir, 'backend.s3.hcl'), 'bucket = "prenv-state"\n');
    const runner = createTerraformRunner({
      bin: fakeTerraform,
      env: { PATH: process.env.PATH, PRENV_FAKE_TF_STATE_DIR: h.stateDir },
      backendConfig: ['../backend.s3.hcl'],
    });
    const pr15 = h.target('pr', 15);
    await runner.init(pr15);
    await runner.apply(pr15, {});
    expect(h.servers(pr15)).toHaveLength(1);
  });

  it('a missing settings file fails init with what Terraform said', async () => {
    const runner = createTerraformRunner({
      bin: fakeTerraform,
      env: { PATH: process.env.PATH, PRENV_FAKE_TF_STATE_DIR: h.stateDir },
      backendConfig: ['../missing.s3.hcl'],
    });
    await expect(runner.init(h.target('pr', 16))).rejects.toMatchObject({
      failure: { kind: 'unknown', detail: 'Failed to read file' },
    });
  });
});
