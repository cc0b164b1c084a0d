import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_TERRAFORM } from '../support/local-stack.js';
import { startFakeNomad, type FakeNomad } from '../fakes/nomad-api/server.js';
import { runCli } from './run-cli.js';
import { AIPACTO_YML, expectGolden } from './views/view-fixtures.js';

let nomad: FakeNomad;
let dir: string;
let stateDir: string;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'prenv-cli-plan-'));
  stateDir = path.join(dir, 'tfstate');
  writeFileSync(path.join(dir, 'prenv.yml'), AIPACTO_YML);
  for (const e of ['pr', 'production']) mkdirSync(path.join(dir, 'tf', e), { recursive: true });
  nomad = await startFakeNomad();
  nomad.addNode({ name: 'pr-7-client-1', pr: 7, nodePool: 'previews' });
  // Production's `terraform output -json`, which a PR's plan reads.
  writeFileSync(
    path.join(dir, 'production-outputs.json'),
    JSON.stringify({
      network_id: { sensitive: false, type: 'string', value: '4000001' },
      server_private_ips: { sensitive: false, type: ['list', 'string'], value: ['10.0.1.10'] },
      ssh_key_names: { sensitive: false, type: ['list', 'string'], value: ['aipacto-production'] },
      consul_encrypt_key: { sensitive: true, type: 'string', value: '' },
    }),
  );
  env = {
    PATH: process.env.PATH,
    PRENV_TF_PRODUCTION_OUTPUTS: 'production-outputs.json',
    PRENV_STATE: 'state.db',
    PRENV_NOMAD_ADDR: nomad.url,
    PRENV_TERRAFORM_BIN: FAKE_TERRAFORM,
    PRENV_TERRAFORM_DIR: 'tf/pr',
    PRENV_FAKE_TF_STATE_DIR: stateDir,
    PRENV_HCLOUD_TOKEN: 'hcloud-secret-token-for-plan',
  };
});

afterAll(async () => {
  await nomad?.close();
});

const cli = (args: string[], isTTY = false) =>
  runCli(args, { cwd: dir, env, isTTY, now: () => new Date('2026-11-22T12:00:00Z') });

describe('prenv plan', () => {
  it('shows the Terraform plan and the Nomad plan diff of a PR env (text and JSON)', async () => {
    const text = await cli(['plan', 'pr', '7', '--sha', 'abc1234def']);
    expect(text.code).toBe(0);
    expectGolden('cli-plan-pr-7.txt.golden', text.stdout);
    expect(text.stderr).toContain('terraform plan pr-7\n');
    expect(text.stderr).toContain('nomad plan ');
    const json = await cli(['plan', 'pr-7', '--sha', 'abc1234def', '--json']);
    expect(json.code).toBe(0);
    expectGolden('cli-plan-pr-7.json.golden', json.stdout);
    const report = JSON.parse(json.stdout) as { terraform: { stateKey: string }; changes: boolean };
    expect(report).toMatchObject({ changes: true, terraform: { stateKey: 'prenv/pr/7.tfstate' } });
  });

  it('changes nothing: no state, no job, no server afterwards', async () => {
    await cli(['plan', '7', '--sha', 'abc1234def']);
    expect([...nomad.cluster.jobs.keys()]).toEqual([]);
    const states = readdirSync(path.join(stateDir, 'prenv', 'pr'), { withFileTypes: true }).filter(
      (f) => f.name.endsWith('.tfstate'),
    );
    expect(states).toEqual([]);
  });

  it('prints the steps a deploy would run with --steps, and runs none of them', async () => {
    const text = await cli(['plan', 'production', '--steps', '--sha', 'abc1234def']);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n').slice(0, 6)).toEqual([
      'Steps to deploy production at abc1234def (https://aipacto.com); nothing was run.',
      '',
      '  1. check aipacto-production.nomad.hcl',
      '  2. terraform apply production (saved plan, server changes refused)',
      '  3. wait for the production nodes in Nomad',
      '  4. submit aipacto-production.nomad.hcl',
    ]);
    expect(text.stderr).not.toContain('terraform');
    // No state record: a PR's plan starts with its preview node.
    const json = await cli(['plan', 'pr', '9', '--steps', '--sha', 'abc1234def', '--json']);
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout) as { env: string; steps: { kind: string }[] };
    expect(plan.env).toBe('pr-9');
    expect(plan.steps.slice(0, 3).map((s) => s.kind)).toEqual([
      'terraform-apply',
      'check-jobs',
      'wait-preview-node',
    ]);
    expect([...nomad.cluster.jobs.keys()]).toEqual([]);
    const files = existsSync(stateDir) ? readdirSync(stateDir, { recursive: true }) : [];
    expect(files.filter((f) => String(f).includes('/9.'))).toEqual([]);
  });

  it('plans production from its own Terraform folder next to the PR one', async () => {
    const run = await cli(['plan', 'production', '--sha', 'abc1234def', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      terraform: { dir: string; stateKey: string; changes: { add: number } };
    };
    expect(report.terraform).toMatchObject({
      dir: 'tf/production',
      stateKey: 'prenv/production.tfstate',
      changes: { add: 3 },
    });
  });

  it('shows elapsed time per step on a terminal, and never the Hetzner token', async () => {
    const run = await cli(['plan', '7', '--sha', 'abc1234def'], true);
    expect(run.stderr).toMatch(/^✔ terraform plan pr-7 \(\d+\.\ds\)$/m);
    expect(run.stdout + run.stderr).not.toContain('hcloud-secret-token-for-plan');
  });

  it('needs a commit when neither the state nor Nomad has one', async () => {
    const pr = await cli(['plan', 'pr', '8']);
    expect(pr.code).toBe(2);
    expect(pr.stderr).toContain('pr-8 has no commit to plan in the state: pass --sha <commit>');
    const prod = await cli(['plan', 'production']);
    expect(prod.code).toBe(2);
    expect(prod.stderr).toContain('production has no deployed commit');
  });

  it('fails with the reason when Terraform fails', async () => {
    const run = await runCli(['plan', '7', '--sha', 'abc1234def'], {
      cwd: dir,
      env: { ...env, PRENV_FAKE_TF_FAIL: 'rate_limited', PRENV_FAKE_TF_FAIL_ON: 'plan' },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Terraform \(prenv\/pr\/7\.tfstate\):\n {2}failed: /m);
  });
});
