import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkTerraformFmt } from './fmt-check.js';
import { allHclFiles, relative } from './terraform-tree.js';

describe('terraform fmt style', () => {
  it.each(allHclFiles().map((f) => [relative(f), f]))('%s is formatted', (_name, file) => {
    expect(checkTerraformFmt(readFileSync(file, 'utf8'))).toEqual([]);
  });
});

describe('checkTerraformFmt', () => {
  const good = [
    'variable "x" {',
    '  type        = number',
    '  description = "n"',
    '',
    '  validation {',
    '    condition     = var.x >= 1 && var.x != 2',
    '    error_message = "${var.x} = wrong"',
    '  }',
    '}',
    '',
    'locals {',
    '  m = {',
    '    for k in ["a"] : k => k',
    '  }',
    '  t = templatefile("f", merge(local.a, {',
    '    b = 1',
    '  }))',
    '}',
    '',
  ].join('\n');

  it('accepts formatted HCL', () => {
    expect(checkTerraformFmt(good)).toEqual([]);
  });

  it('finds misaligned "="', () => {
    const bad = good.replace('  type        = number', '  type = number');
    expect(checkTerraformFmt(bad)).toEqual([
      { line: 2, message: '"=" at column 8, expected 15 (aligned with lines 2-3)' },
    ]);
  });

  it('finds over-padded "=" and more than one space after it', () => {
    const bad = good.replace('  description = "n"', '  description  =  "n"');
    const lines = checkTerraformFmt(bad).map((p) => p.line);
    expect(lines).toEqual([3, 3]);
  });

  it('finds wrong indentation, tabs and trailing whitespace', () => {
    const bad = good
      .replace('    b = 1', '      b = 1')
      .replace('  m = {', '  m = { ')
      .replace('}\n\nlocals', '}\t\n\nlocals');
    expect(checkTerraformFmt(bad)).toEqual([
      { line: 9, message: 'tab character' },
      { line: 9, message: 'trailing whitespace' },
      { line: 12, message: 'trailing whitespace' },
      { line: 16, message: 'indented 6 spaces, expected 4' },
    ]);
  });

  it('requires exactly one final newline', () => {
    expect(checkTerraformFmt(good.trimEnd())).toHaveLength(1);
    expect(checkTerraformFmt(`${good}\n`)).toHaveLength(1);
  });
});
