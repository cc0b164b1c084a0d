import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTerraform, terraformFmtCheck } from '../support/terraform-cli.js';
import { terraformRoot } from './terraform-tree.js';

describe('terraform fmt -check (the real Terraform CLI)', () => {
  it('finds every .tf and .tfvars file under terraform/ formatted', async () => {
    const result = await terraformFmtCheck(terraformRoot);
    expect(result.output).not.toMatch(/^[^\n]*\.tf(vars)?$/m);
    expect(result.exitCode, result.output).toBe(0);
  });

  it('fails on a misaligned "=", so the check above can fail', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prenv-fmt-'));
    try {
      writeFileSync(
        path.join(dir, 'bad.tf'),
        'variable "x" {\n  type = number\n  description = "n"\n}\n',
      );
      const result = await terraformFmtCheck(dir);
      expect(result.exitCode).toBe(3);
      expect(result.output).toContain('bad.tf');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a missing Terraform CLI', () => {
  it('fails the tests with how to install it, never skips them', () => {
    const saved = { path: process.env.PATH, bin: process.env.PRENV_TERRAFORM_BIN };
    process.env.PATH = '/nonexistent';
    delete process.env.PRENV_TERRAFORM_BIN;
    try {
      expect(() => requireTerraform()).toThrow(/apt-get install terraform/);
    } finally {
      process.env.PATH = saved.path;
      if (saved.bin !== undefined) process.env.PRENV_TERRAFORM_BIN = saved.bin;
    }
  });
});
