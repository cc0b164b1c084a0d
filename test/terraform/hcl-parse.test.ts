import { readFileSync } from 'node:fs';
import { parse } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import { allHclFiles, at, backends, environmentDir, parseDir, relative } from './terraform-tree.js';

describe('HCL syntax (@cdktf/hcl2json)', () => {
  it.each(allHclFiles().map((f) => [relative(f), f]))('%s parses', async (_name, file) => {
    const body = await parse(file, readFileSync(file, 'utf8'));
    expect(Object.keys(body).length).toBeGreaterThan(0);
  });

  it('rejects broken HCL with file, line and column', async () => {
    await expect(parse('broken.tf', 'resource "x" "y" {\n  a = \n}\n')).rejects.toThrow(
      /broken\.tf:2,/,
    );
  });
});

describe('S3-compatible backend', () => {
  it.each([
    ['production', 'prenv/production.tfstate'],
    ['staging', 'prenv/staging.tfstate'],
  ] as const)('%s keeps its state under its own key %s', async (name, key) => {
    const body = await parseDir(environmentDir(name));
    const backend = backends(body);
    expect(backend).toEqual([{ s3: [{ key }] }]);
  });

  it('pr leaves the key to -backend-config, one state per pull request', async () => {
    const body = await parseDir(environmentDir('pr'));
    const backend = backends(body);
    expect(backend).toEqual([{ s3: [{}] }]);
    const readme = readFileSync(new URL('../../terraform/README.md', import.meta.url), 'utf8');
    expect(readme).toContain('-backend-config=key=prenv/pr/');
  });

  it('no environment hard-codes a bucket, endpoint or credential', async () => {
    for (const name of ['production', 'staging', 'pr'] as const) {
      const body = await parseDir(environmentDir(name));
      const s3 = at(backends(body), 0, 's3', 0);
      for (const forbidden of ['bucket', 'endpoint', 'endpoints', 'access_key', 'secret_key']) {
        expect(s3, `${name} backend ${forbidden}`).not.toHaveProperty(forbidden);
      }
    }
  });
});
