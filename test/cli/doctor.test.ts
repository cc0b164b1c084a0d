import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { runCli } from './run-cli.js';
import { repoRoot } from '../support/tools.js';

describe('prenv doctor', () => {
  it('prints a readable report for the example config', async () => {
    const run = await runCli(['doctor', '--offline', '--config', 'examples/aipacto/prenv.yml']);
    expect(run.stdout).toMatch(/^prenv doctor\n/);
    expect(run.stdout).toMatch(/ok {4}node +v\d+/);
    expect(run.stdout).toContain(
      'examples/aipacto/prenv.yml is valid (project aipacto, 2 service(s)',
    );
    expect(run.stdout).toContain('warn  hetzner');
    expect(run.stdout).toContain('Set hetzner.server_type: cx23 in prenv.yml.');
    expect(run.code).toBe(0);
  });

  it('prints one JSON object with --json', async () => {
    const run = await runCli([
      'doctor',
      '--offline',
      '--json',
      '--config',
      'examples/aipacto/prenv.yml',
    ]);
    const report = JSON.parse(run.stdout) as {
      ok: boolean;
      checks: { name: string; status: string }[];
    };
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.name)).toEqual([
      'node',
      'terraform',
      'nomad',
      'consul',
      'caddy',
      'terraform-lock',
      'config',
      'hetzner',
      'capacity',
    ]);
  });

  it('reports a tool it cannot find, with what it is needed for', async () => {
    const run = await runCli(
      ['doctor', '--offline', '--json', '--config', 'examples/aipacto/prenv.yml'],
      {
        env: { PATH: '/nonexistent', PRENV_TERRAFORM_BIN: '/nonexistent/terraform' },
      },
    );
    const report = JSON.parse(run.stdout) as {
      checks: { name: string; status: string; detail: string }[];
    };
    const terraform = report.checks.find((c) => c.name === 'terraform');
    expect(terraform).toMatchObject({ name: 'terraform', status: 'warn' });
    expect(terraform?.detail).toMatch(
      /^not found on PATH; needed for deploy and destroy \(the modules need Terraform >= \d/,
    );
  });

  it('fails on a Terraform older than 1.10, which has no S3 lock file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prenv-doctor-'));
    const fake = path.join(dir, 'terraform');
    for (const [version, status] of [
      ['1.9.8', 'error'],
      ['1.10.0', 'ok'],
      ['1.11.4', 'ok'],
    ] as const) {
      writeFileSync(fake, `#!/bin/sh\necho "Terraform v${version}"\n`, { mode: 0o755 });
      const run = await runCli(
        ['doctor', '--offline', '--json', '--config', 'examples/aipacto/prenv.yml'],
        {
          env: { PATH: '/nonexistent', PRENV_TERRAFORM_BIN: fake },
        },
      );
      const report = JSON.parse(run.stdout) as {
        ok: boolean;
        checks: { name: string; status: string; detail: string }[];
      };
      const check = report.checks.find((c) => c.name === 'terraform')!;
      expect([version, check.status]).toEqual([version, status]);
      if (status === 'error') {
        expect(check.detail).toContain('too old for the modules (>= 1.10');
        expect(report.ok).toBe(false);
      }
    }
  });

  it('says how to create a missing provider lock file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prenv-doctor-'));
    for (const env of ['production', 'staging']) {
      mkdirSync(path.join(dir, 'terraform/environments', env), { recursive: true });
      writeFileSync(path.join(dir, 'terraform/environments', env, '.terraform.lock.hcl'), '');
    }
    writeFileSync(path.join(dir, 'prenv.yml'), readFileSync('examples/aipacto/prenv.yml'));
    const run = await runCli(['doctor', '--offline'], { cwd: dir });
    expect(run.stdout).toContain(
      'warn  terraform-lock  no terraform/environments/pr/.terraform.lock.hcl;',
    );
    expect(run.stdout).toContain('providers lock');
    mkdirSync(path.join(dir, 'terraform/environments/pr'));
    writeFileSync(path.join(dir, 'terraform/environments/pr/.terraform.lock.hcl'), '');
    const again = await runCli(['doctor', '--offline'], { cwd: dir });
    expect(again.stdout).toContain('ok    terraform-lock  provider lock files committed');
  });

  it('fails with the config problems when prenv.yml is invalid', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prenv-doctor-'));
    writeFileSync(path.join(dir, 'prenv.yml'), 'project: demo\nservices: {}\nfoo: 1\n');
    const run = await runCli(['doctor', '--offline'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAIL  config');
    expect(run.stdout).toContain('prenv.yml:3:1: foo: unknown key "foo"');
    expect(run.stdout).toContain(
      'prenv.yml:1:1: github: missing required key (expected a mapping)',
    );
  });

  it('says how to get a config when prenv.yml is missing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prenv-doctor-'));
    const run = await runCli(['doctor', '--offline'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('prenv.yml:1:1: file not found (pass --config FILE');
  });
});

describe('the prenv executable', () => {
  it('prints its version and help through npx-style bin', async () => {
    const bin = path.join(repoRoot, 'bin/prenv.js');
    const version = await execa('node', [bin, '--version']);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await execa('node', [bin, '--help']);
    expect(help.stdout).toContain('Usage: prenv [options] [command]');
    expect(help.stdout).toContain('--config <file>');
  });

  it('exits 2 on an unknown command', async () => {
    const result = await execa('node', [path.join(repoRoot, 'bin/prenv.js'), 'frobnicate'], {
      reject: false,
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });
});
