import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TerraformError } from '../../bot/adapters/terraform/index.js';
import type { TerraformFailure } from '../../bot/adapters/terraform/index.js';
import { createHarness } from './harness.js';
import type { Harness } from './harness.js';

async function failureOf(
  p: Promise<unknown>,
): Promise<{ error: TerraformError; failure: TerraformFailure }> {
  const error = await p.then(
    () => {
      throw new Error('expected the command to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TerraformError);
  const te = error as TerraformError;
  return { error: te, failure: te.failure };
}

describe('terraform driver: injected failures become typed failures', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.cleanup());

  const cases: Array<{
    fail: string;
    on: 'init' | 'plan' | 'apply' | 'destroy';
    kind: TerraformFailure['kind'];
    says: RegExp;
  }> = [
    {
      fail: 'resource_limit_exceeded',
      on: 'apply',
      kind: 'resource_limit_exceeded',
      says: /at capacity: the PR stays queued/,
    },
    {
      fail: 'server_type_unavailable',
      on: 'apply',
      kind: 'server_type_unavailable',
      says: /server type cx22 .*e\.g\. cx23/,
    },
    {
      fail: 'rate_limited',
      on: 'apply',
      kind: 'rate_limited',
      says: /rate limit was hit for pr-9/,
    },
    {
      fail: 'rate_limited',
      on: 'destroy',
      kind: 'rate_limited',
      says: /wait a few minutes and retry/,
    },
    {
      fail: 'state_locked',
      on: 'plan',
      kind: 'state_locked',
      says: /state prenv\/pr\/9\.tfstate for pr-9 is locked \(by runner@ci-runner-7/,
    },
    {
      fail: 'network',
      on: 'init',
      kind: 'network',
      says: /terraform init for pr-9 could not reach .*no such host/,
    },
    { fail: 'network', on: 'apply', kind: 'network', says: /api\.hetzner\.cloud.*no such host/ },
  ];

  it.each(cases)('$fail on $on → $kind', async ({ fail, on, kind, says }) => {
    const pr9 = h.target('pr', 9);
    const vars = { server_type: 'cx22' };
    const failing = h.runnerWith({ PRENV_FAKE_TF_FAIL: fail, PRENV_FAKE_TF_FAIL_ON: on });
    if (on !== 'init') await h.runner.init(pr9);
    if (on === 'destroy') await h.runner.apply(pr9, vars);

    const run = {
      init: () => failing.init(pr9),
      plan: () => failing.plan(pr9, vars),
      apply: () => failing.apply(pr9, vars),
      destroy: () => failing.destroy(pr9, vars),
    }[on];
    const { error, failure } = await failureOf(run());
    expect(failure.kind).toBe(kind);
    expect(failure.message).toMatch(says);
    expect(error.message).toBe(failure.message);
    expect(error.command).toBe(on);
    expect(error.exitCode).toBe(1);
    expect(existsSync(h.lockPath(pr9))).toBe(false);
    expect(h.logs.some((l) => l.level === 'error' && l.fields.kind === kind)).toBe(true);
  });

  it('server_type_unavailable names the type and suggests its successor', async () => {
    const pr9 = h.target('pr', 9);
    await h.runner.init(pr9);
    const failing = h.runnerWith({ PRENV_FAKE_TF_FAIL: 'server_type_unavailable' });
    const { failure } = await failureOf(
      failing.apply(pr9, { server_type: 'cx32', location: 'fsn1' }),
    );
    expect(failure).toMatchObject({
      kind: 'server_type_unavailable',
      serverType: 'cx32',
      suggestedServerType: 'cx33',
    });
    expect(failure.message).toContain('in fsn1');
    expect(h.servers(pr9)).toEqual([]);
  });

  it('resource_limit_exceeded part-way keeps the servers that were created', async () => {
    const production = h.target('production');
    await h.runner.init(production);
    const failing = h.runnerWith({ PRENV_FAKE_TF_FAIL: 'resource_limit_exceeded' });
    const { failure } = await failureOf(failing.apply(production, { server_count: 3 }));
    expect(failure.kind).toBe('resource_limit_exceeded');
    expect(failure.detail).toMatch(
      /^server limit exceeded \(resource_limit_exceeded, [0-9a-f]{16}\)$/,
    );
    expect(h.servers(production).map((s) => s.name)).toEqual([
      'prenv-production-server-1',
      'prenv-production-server-2',
    ]);
  });

  it('a missing init is an unknown failure that says what Terraform said', async () => {
    const { failure, error } = await failureOf(h.runner.apply(h.target('pr', 10), {}));
    expect(failure.kind).toBe('unknown');
    expect(failure.message).toContain('Backend initialization required');
    expect(error.stderrTail).toContain('Error: Backend initialization required');
  });

  it('a missing binary says how to fix it', async () => {
    const { createTerraformRunner } = await import('../../bot/adapters/terraform/index.js');
    const runner = createTerraformRunner({
      bin: `${h.root}/no-such-terraform`,
      env: { PATH: process.env.PATH },
    });
    const { failure } = await failureOf(runner.version());
    expect(failure.kind).toBe('unknown');
    expect(failure.message).toMatch(
      /Could not run terraform at ".*no-such-terraform".*PRENV_TERRAFORM_BIN/,
    );
  });
});
