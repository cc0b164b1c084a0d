import { parse } from '@cdktf/hcl2json';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { terraformVariables } from '../../generators/terraform/tfvars.js';
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

/** Required variables of environments/pr that come from production's outputs at deploy time. */
const FROM_PRODUCTION_OUTPUTS = ['network_id', 'server_private_ips'];

describe.each([
  ['production', 'production'],
  ['staging', 'staging'],
  ['pr-7', 'pr'],
])('terraform variables for %s', (env, folder) => {
  const config = exampleConfig('leap');
  const vars = terraformVariables(config, GOLDEN_CONTEXTS[env]!);

  it(`use only variables declared in terraform/environments/${folder}, none sensitive`, async () => {
    const decl = await declared(folder);
    for (const name of Object.keys(vars)) {
      expect(decl[name], `variable "${name}"`).toBeDefined();
      expect(decl[name]?.sensitive ?? false, `variable "${name}" is sensitive`).toBe(false);
    }
  });

  it('set every required variable', async () => {
    const decl = await declared(folder);
    const required = Object.entries(decl)
      .filter(([, v]) => !('default' in v))
      .map(([k]) => k)
      .filter((k) => !FROM_PRODUCTION_OUTPUTS.includes(k));
    expect(required.filter((k) => !(k in vars))).toEqual([]);
  });

  it('name the host volumes the jobs mount', () => {
    expect(vars.host_volumes).toEqual(['backups', 'media', 'postgres-data', 'redis-data']);
  });
});
