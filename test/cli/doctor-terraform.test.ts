import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  meetsTerraformConstraint,
  readRequiredVersions,
} from '../../bot/adapters/terraform/required-version.js';
import { repoRoot } from '../support/tools.js';
import { runCli } from './run-cli.js';

describe("Terraform version constraints (Terraform's syntax, compared with semver)", () => {
  it.each([
    ['1.11.4', '>= 1.6', true],
    ['1.5.7', '>= 1.6', false],
    ['1.6.0', '>= 1.6', true],
    ['1.6.0-beta1', '>= 1.6', false],
    ['1.9.2', '~> 1.6', true],
    ['2.0.0', '~> 1.6', false],
    ['1.6.9', '~> 1.6.3', true],
    ['1.7.0', '~> 1.6.3', false],
    ['1.6.2', '~> 1.6.3', false],
    ['1.8.0', '>= 1.6, < 1.9', true],
    ['1.9.0', '>= 1.6, < 1.9', false],
    ['1.7.1', '!= 1.7.1', false],
    ['1.7.2', '1.7.2', true],
    ['1.7.2', '= 1.7.3', false],
    ['1.7.2', 'latest', null],
  ] as const)('%s against "%s" → %s', (version, constraint, expected) => {
    expect(meetsTerraformConstraint(version, constraint)).toBe(expected);
  });

  it("reads every required_version of prenv's modules", async () => {
    const found = await readRequiredVersions(path.join(repoRoot, 'terraform'));
    expect(found.length).toBeGreaterThanOrEqual(4);
    expect(found.map((r) => r.file)).toContain(path.join('environments', 'pr', 'main.tf'));
    for (const r of found) expect(meetsTerraformConstraint('1.0.0', r.constraint)).toBe(false);
  });
});

describe('prenv doctor checks Terraform against the modules', () => {
  function fakeTerraform(version: string): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'prenv-doctor-tf-'));
    const bin = path.join(dir, 'terraform');
    writeFileSync(bin, `#!/bin/sh\necho "Terraform v${version}"\necho "on linux_amd64"\n`);
    chmodSync(bin, 0o755);
    return bin;
  }

  async function terraformCheck(version: string, extraEnv: Record<string, string> = {}) {
    const run = await runCli(['doctor', '--json', '--config', 'examples/aipacto/prenv.yml'], {
      env: { PATH: process.env.PATH, PRENV_TERRAFORM_BIN: fakeTerraform(version), ...extraEnv },
    });
    const report = JSON.parse(run.stdout) as {
      ok: boolean;
      checks: { name: string; status: string; detail: string }[];
    };
    return { run, report, check: report.checks.find((c) => c.name === 'terraform')! };
  }

  it('fails on a Terraform older than a module requires, naming the module and the fix', async () => {
    const { run, report, check } = await terraformCheck('1.5.7');
    expect(run.code).toBe(1);
    expect(report.ok).toBe(false);
    expect(check.status).toBe('error');
    expect(check.detail).toContain('1.5.7');
    expect(check.detail).toContain(`>= 1.10 in ${path.join('environments', 'pr', 'main.tf')}`);
    expect(check.detail).toMatch(/: install Terraform >= 1\.\d/);
  });

  it('accepts a Terraform that meets every module', async () => {
    const { check } = await terraformCheck('1.11.4');
    expect(check.status).toBe('ok');
    expect(check.detail).toMatch(/; the modules need Terraform >= 1\.\d/);
  });

  it("reads the project's own modules beside PRENV_TERRAFORM_DIR", async () => {
    const project = mkdtempSync(path.join(tmpdir(), 'prenv-doctor-proj-'));
    mkdirSync(path.join(project, 'tf/environments/pr'), { recursive: true });
    writeFileSync(
      path.join(project, 'tf/environments/pr/main.tf'),
      'terraform {\n  required_version = "~> 1.12"\n}\n',
    );
    const { check } = await terraformCheck('1.11.4', {
      PRENV_TERRAFORM_DIR: path.join(project, 'tf/environments/pr'),
    });
    expect(check.status).toBe('error');
    expect(check.detail).toContain('~> 1.12 in');
  });
});
