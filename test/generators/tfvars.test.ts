import { parse } from '@cdktf/hcl2json';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { terraformVariables } from '../../generators/terraform/tfvars.js';
import {
  TERRAFORM_VARIABLES,
  variablesOwnedBy,
  variablesTableMarkdown,
} from '../../generators/terraform/variable-owners.js';
import { repoRoot } from '../support/tools.js';
import { GOLDEN_CONTEXTS, exampleConfig } from './render-support.js';

interface Variable {
  default?: unknown;
  sensitive?: boolean;
}

async function declared(env: string): Promise<Record<string, Variable>> {
  const file = path.join(repoRoot, 'terraform/environments', env, 'variables.tf');
  const json = (await parse(file, readFileSync(file, 'utf8'))) as {
    variable: Record<string, Variable[]>;
  };
  return Object.fromEntries(Object.entries(json.variable).map(([k, v]) => [k, v[0] ?? {}]));
}

describe.each([
  ['production', 'production'],
  ['staging', 'staging'],
  ['pr-7', 'pr'],
] as const)('terraform variables for %s', (env, folder) => {
  const config = exampleConfig('leap');
  const vars = terraformVariables(config, GOLDEN_CONTEXTS[env]!);

  it(`use only variables declared in terraform/environments/${folder}, none sensitive`, async () => {
    const decl = await declared(folder);
    for (const name of Object.keys(vars)) {
      expect(decl[name], `variable "${name}"`).toBeDefined();
      expect(decl[name]?.sensitive ?? false, `variable "${name}" is sensitive`).toBe(false);
    }
  });

  it('set every required variable they own, and only variables they own', async () => {
    const decl = await declared(folder);
    const owned = variablesOwnedBy('prenv.yml', folder);
    const required = Object.entries(decl)
      .filter(([, v]) => !('default' in v))
      .map(([k]) => k)
      .filter((k) => owned.includes(k) && k !== 'ssh_allowed_cidrs');
    expect(required.filter((k) => !(k in vars))).toEqual([]);
    expect(Object.keys(vars).filter((k) => !owned.includes(k))).toEqual([]);
  });

  it('leave ssh_allowed_cidrs to terraform.tfvars unless prenv.yml sets it', () => {
    expect(vars).not.toHaveProperty('ssh_allowed_cidrs');
    const closed = { ...config, hetzner: { ...config.hetzner, ssh_allowed_cidrs: [] } };
    expect(terraformVariables(closed, GOLDEN_CONTEXTS[env]!).ssh_allowed_cidrs).toEqual([]);
    const open = {
      ...config,
      hetzner: { ...config.hetzner, ssh_allowed_cidrs: ['198.51.100.7/32'] },
    };
    expect(terraformVariables(open, GOLDEN_CONTEXTS[env]!).ssh_allowed_cidrs).toEqual([
      '198.51.100.7/32',
    ]);
  });

  it('list every declared variable in the ownership table, and nothing undeclared', async () => {
    const decl = Object.keys(await declared(folder)).sort();
    const rows = TERRAFORM_VARIABLES.filter((r) => r.environments.includes(folder))
      .map((r) => r.name)
      .sort();
    expect(rows).toEqual(decl);
  });

  it('name the host volumes the jobs mount', () => {
    expect(vars.host_volumes).toEqual(['backups', 'media', 'postgres-data', 'redis-data']);
  });
});

describe('the ownership table', () => {
  it('is the one README.md shows', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const squash = (t: string) => t.replace(/ +/g, ' ').replace(/-{3,}/g, '---');
    expect(squash(readme)).toContain(squash(variablesTableMarkdown()));
  });

  it('gives each variable of an environment exactly one owner', () => {
    for (const env of ['production', 'staging', 'pr'] as const) {
      const names = TERRAFORM_VARIABLES.filter((r) => r.environments.includes(env)).map(
        (r) => r.name,
      );
      expect(new Set(names).size, env).toBe(names.length);
    }
  });
});

describe("the load balancer certificate's names", () => {
  const config = exampleConfig('aipacto');
  const behind = { ...config, tls: { ...config.tls, mode: 'load_balancer' as const } };

  it('cover production, every pull request host and the webhook host with one wildcard', () => {
    expect(terraformVariables(behind, { kind: 'production' }).tls_domains).toEqual([
      'aipacto.com',
      '*.pr.aipacto.com',
      'prenv.aipacto.com',
    ]);
    expect(terraformVariables(behind, { kind: 'staging' }).tls_domains).toEqual([
      'staging.aipacto.com',
    ]);
  });

  it.each(['on_demand', 'auto', 'internal', 'off'] as const)(
    'are none with tls.mode %s: Caddy on the first entry node holds the certificates',
    (mode) => {
      const other = { ...config, tls: { ...config.tls, mode } };
      expect(terraformVariables(other, { kind: 'production' }).tls_domains).toEqual([]);
    },
  );
});
