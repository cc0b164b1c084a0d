import { readFileSync } from 'node:fs';
import { parse } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import {
  allHclFiles,
  at,
  backends,
  environmentDir,
  environmentNames,
  moduleDir,
  parseDir,
  relative,
} from './terraform-tree.js';

/** The hcloud provider version every configuration accepts. */
const HCLOUD_PIN = '~> 1.49.0';

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
    expect(backend).toEqual([{ s3: [{ key, use_lockfile: true }] }]);
  });

  it('pr leaves the key to -backend-config, one state per pull request', async () => {
    const body = await parseDir(environmentDir('pr'));
    const backend = backends(body);
    expect(backend).toEqual([{ s3: [{ use_lockfile: true }] }]);
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

describe('locking and pinning', () => {
  const dirs: [string, string][] = [
    ['modules/base', moduleDir],
    ...environmentNames.map((n): [string, string] => [`environments/${n}`, environmentDir(n)]),
  ];

  it.each(dirs)(
    '%s needs Terraform >= 1.10 (S3 use_lockfile) and pins hcloud to one minor',
    async (_n, dir) => {
      const body = await parseDir(dir);
      const tf = (body.terraform as Record<string, unknown>[]).find((b) => b.required_version)!;
      expect(tf.required_version).toBe('>= 1.10');
      const hcloud = at(tf, 'required_providers', 0, 'hcloud') as { version: string };
      // "~> X.Y.Z" allows patch releases of one minor only.
      expect(hcloud.version).toMatch(/^~> \d+\.\d+\.\d+$/);
      expect(hcloud.version).toBe(HCLOUD_PIN);
    },
  );

  it('every server network block sets alias_ips, so applies do not detach the network', async () => {
    const body = await parseDir(moduleDir);
    const servers = at(body, 'resource', 'hcloud_server') as Record<
      string,
      Record<string, unknown>[]
    >;
    expect(Object.keys(servers).sort()).toEqual(['client', 'server']);
    for (const [name, [resource]] of Object.entries(servers)) {
      const networks = resource!.network as Record<string, unknown>[];
      expect(networks.length, name).toBeGreaterThan(0);
      for (const network of networks) expect(network.alias_ips, name).toEqual([]);
    }
  });
});
