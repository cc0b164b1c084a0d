import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/tools.js';

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

/** The README section under `## <title>`, up to the next `## `. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${title}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** Every HCL parser package that production code (bot/, generators/) imports. */
function hclPackagesImported(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts')) {
        const text = readFileSync(file, 'utf8');
        // Static `from '…'` and lazy `import('…')` alike.
        for (const m of text.matchAll(/(?:from |import\()'((?:@[\w.-]+\/)?[\w.-]*hcl[\w.-]*)'/g)) {
          if (m[1]) found.add(m[1]);
        }
      }
    }
  };
  walk(path.join(repoRoot, 'bot'));
  walk(path.join(repoRoot, 'generators'));
  return found;
}

describe('README: the HCL parser', () => {
  const text = section('Parsing HCL');
  const imported = [...hclPackagesImported()];

  it('names the one HCL package the code imports, which package.json depends on', () => {
    expect(imported).toHaveLength(1);
    const used = imported[0]!;
    expect(pkg.dependencies[used]).toBeDefined();
    expect(text).toContain(`\`${used}\``);
    // The file that wraps it, so a switch has one place to change.
    expect(text).toMatch(/`generators\/validate\/hcl\.ts`/);
    expect(readFileSync(path.join(repoRoot, 'generators/validate/hcl.ts'), 'utf8')).toContain(
      `import('${used}')`,
    );
  });

  it('says why not hcl2-parser, that CDK for Terraform is archived, and the way out', () => {
    expect(text).toMatch(/not `hcl2-parser`/);
    expect(text).toMatch(/same Go `hcl2json`/);
    expect(text).toMatch(/line,column/);
    expect(text).toMatch(/archived CDK for Terraform.*December 2025/s);
    expect(text).toMatch(/frozen build of HashiCorp's HCL library/);
    // The fallbacks are real alternatives, not the package in use.
    const fallback = text.slice(text.indexOf('If it'));
    expect(fallback).toMatch(/`hcl2json` Go binary/);
    expect(fallback).toMatch(/`hcl2-parser`/);
    expect(fallback).not.toContain(`\`${imported[0]!}\``);
  });
});
