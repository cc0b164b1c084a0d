import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  configDirs,
  environmentDir,
  environmentNames,
  inspect,
  moduleDir,
  parseDir,
  relative,
  tfFiles,
  at,
} from './terraform-tree.js';

const META_ARGUMENTS = new Set([
  'source',
  'version',
  'count',
  'for_each',
  'providers',
  'depends_on',
]);

function referencedVariables(file: string): string[] {
  const code = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(#|\/\/)/.test(line))
    .join('\n');
  return [...code.matchAll(/\bvar\.([A-Za-z_][A-Za-z0-9_-]*)/g)].map((m) => m[1]!);
}

describe('terraform-config-inspect', () => {
  it.each(configDirs.map((d) => [relative(d), d]))(
    '%s loads without diagnostics',
    async (_name, dir) => {
      const result = await inspect(dir);
      expect(result.diagnostics ?? []).toEqual([]);
      expect(Object.keys(result.variables).length).toBeGreaterThan(0);
      expect(result.required_providers.hcloud?.source).toBe('hetznercloud/hcloud');
      expect(result.required_providers.hcloud?.version_constraints?.length).toBeGreaterThan(0);
      expect(result.required_core?.some((c) => /^>=\s*1\.1\d/.test(c))).toBe(true);
    },
  );

  it('reports a broken file, so "no diagnostics" above means something', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prenv-tf-'));
    try {
      writeFileSync(path.join(dir, 'broken.tf'), 'variable "x" {\n  type = \n}\n');
      const result = await inspect(dir);
      expect(result.diagnostics?.[0]?.severity).toBe('error');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(configDirs.map((d) => [relative(d), d]))(
    '%s declares every var.X its .tf files reference',
    async (_name, dir) => {
      const declared = new Set(Object.keys((await inspect(dir)).variables));
      const undeclared = tfFiles(dir).flatMap((file) =>
        referencedVariables(file)
          .filter((name) => !declared.has(name))
          .map((name) => `${relative(file)}: var.${name}`),
      );
      expect(undeclared).toEqual([]);
    },
  );

  it('the module requires only project and environment, and marks secrets sensitive', async () => {
    const vars = (await inspect(moduleDir)).variables;
    const required = Object.values(vars)
      .filter((v) => v.required)
      .map((v) => v.name)
      .sort();
    expect(required).toEqual(['environment', 'project']);
    expect(vars.consul_encrypt_key?.sensitive).toBe(true);
  });

  it.each(environmentNames.map((n) => [n]))(
    'environment %s calls the module with every required variable and only known ones',
    async (name) => {
      const dir = environmentDir(name);
      const env = await inspect(dir);
      const calls = Object.values(env.module_calls);
      expect(calls.map((c) => c.source)).toEqual(['../../modules/base']);

      const moduleVars = (await inspect(path.resolve(dir, calls[0]!.source))).variables;
      const body = await parseDir(dir);
      const blocks = at(body, 'module', calls[0]!.name) as Record<string, unknown>[];
      expect(blocks).toHaveLength(1);
      const args = Object.keys(blocks[0]!).filter((k) => !META_ARGUMENTS.has(k));

      const missing = Object.values(moduleVars)
        .filter((v) => v.required && !args.includes(v.name))
        .map((v) => v.name);
      const unknown = args.filter((a) => !(a in moduleVars));
      expect({ missing, unknown }).toEqual({ missing: [], unknown: [] });
    },
  );

  it.each(environmentNames.map((n) => [n]))(
    'environment %s has a sensitive, optional hcloud_token and the outputs prenv reads',
    async (name) => {
      const env = await inspect(environmentDir(name));
      expect(env.variables.hcloud_token?.sensitive).toBe(true);
      expect(env.variables.hcloud_token?.required).toBe(false);
      expect(Object.keys(env.outputs)).toEqual(
        expect.arrayContaining(['node_names', 'environment_url']),
      );
      if (name === 'production') {
        expect(Object.keys(env.outputs)).toEqual(
          expect.arrayContaining([
            'nomad_ui_url',
            'consul_ui_url',
            'network_id',
            'server_private_ips',
            'server_public_ips',
            'entry_public_ips',
          ]),
        );
      }
    },
  );

  it('production outputs feed the PR environment variables of the same name', async () => {
    const production = await inspect(environmentDir('production'));
    const pr = await inspect(environmentDir('pr'));
    for (const name of ['network_id', 'server_private_ips']) {
      expect(production.outputs[name], `production output ${name}`).toBeDefined();
      expect(pr.variables[name]?.required, `pr variable ${name}`).toBe(true);
    }
  });
});
