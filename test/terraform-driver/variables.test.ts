import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTerraformRunner } from '../../bot/adapters/terraform/index.js';
import { VariableOverrideError } from '../../bot/adapters/terraform/operator-vars.js';
import { readRuntimeSettings } from '../../bot/wiring/settings.js';
import { serverChangeRefusal } from '../../bot/runtime/server-changes.js';
import {
  previewFactsFromOutputs,
  ProductionOutputsError,
} from '../../generators/terraform/production-outputs.js';
import { parseConfig } from '../../bot/config/load.js';

function moduleWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'prenv-tfvars-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

const runner = createTerraformRunner({ bin: '/nonexistent/terraform', env: {} });
const production = (dir: string) => ({ environment: 'production' as const, dir });

describe("the operator's terraform.tfvars is never overridden", () => {
  it.each([
    ['terraform.tfvars', 'server_type = "cx32"\nssh_allowed_cidrs = []\n'],
    ['terraform.tfvars.json', '{"server_type": "cx32"}'],
    ['extra.auto.tfvars', 'server_type = "cx32"\n'],
  ])('%s setting a variable prenv passes is refused, naming both', async (file, text) => {
    const dir = moduleWith({ [file]: text });
    const error = await runner
      .plan(production(dir), { project: 'demo', server_type: 'cx22' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VariableOverrideError);
    expect((error as Error).message).toContain(path.join(dir, file));
    expect((error as Error).message).toContain('sets server_type');
  });

  it('variables only the operator sets pass through to Terraform', async () => {
    const dir = moduleWith({
      'terraform.tfvars':
        'ssh_allowed_cidrs = ["203.0.113.4/32"]\nssh_public_key = "ssh-ed25519 AAAA"\n',
      'other.tfvars': 'server_type = "cx32"\n', // not auto-loaded by Terraform
    });
    const error = await runner
      .plan(production(dir), { project: 'demo', server_type: 'cx22' })
      .catch((e: unknown) => e);
    // It got as far as starting Terraform, which does not exist here.
    expect(error).not.toBeInstanceOf(VariableOverrideError);
    expect(String(error)).toMatch(/terraform/i);
  });
});

describe('the environment Terraform runs with never overrides or is overridden either', () => {
  // Terraform's precedence: TF_VAR_* < terraform.tfvars < *.auto.tfvars < -var/-var-file in
  // order; TF_CLI_ARGS(_<command>) is inserted before prenv's arguments. Either way one value
  // silently wins (checked against terraform 1.11: TF_VAR_server_type=cx32 plus a -var-file
  // with cx22 plans cx22).
  it.each([
    [{ TF_VAR_server_type: 'cx32' }, 'TF_VAR_server_type'],
    [{ TF_CLI_ARGS: '-var=server_type=cx32' }, 'TF_CLI_ARGS'],
    [{ TF_CLI_ARGS_plan: '-no-color -var-file=/etc/mine.tfvars' }, 'TF_CLI_ARGS_plan'],
    [{ TF_CLI_ARGS_apply: '-var server_type=cx32' }, 'TF_CLI_ARGS_apply'],
  ])('%j is refused, naming it', async (env, name) => {
    const dir = moduleWith({});
    const withEnv = createTerraformRunner({ bin: '/nonexistent/terraform', env });
    const error = await withEnv
      .plan(production(dir), { project: 'demo', server_type: 'cx22' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VariableOverrideError);
    expect((error as Error).message).toContain(name);
  });

  it.each([
    { TF_VAR_hcloud_token: 't', TF_VAR_ssh_public_key: 'ssh-ed25519 AAAA' },
    { TF_CLI_ARGS: '-no-color', TF_CLI_ARGS_plan: '-parallelism=4' },
  ])('%j (variables prenv does not pass, flags without variables) passes', async (env) => {
    const dir = moduleWith({});
    const withEnv = createTerraformRunner({ bin: '/nonexistent/terraform', env });
    const error = await withEnv
      .plan(production(dir), { project: 'demo', server_type: 'cx22' })
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(VariableOverrideError);
    expect(String(error)).toMatch(/terraform/i);
  });
});

/** `terraform output -json` of environments/production, as Terraform prints it. */
const OUTPUTS = {
  network_id: { sensitive: false, type: 'string', value: '4711' },
  server_private_ips: {
    sensitive: false,
    type: ['list', 'string'],
    value: ['10.0.1.10', '10.0.1.11', '10.0.1.12'],
  },
  ssh_key_names: { sensitive: false, type: ['list', 'string'], value: ['demo-production', '123'] },
  consul_encrypt_key: { sensitive: true, type: 'string', value: 'c2VjcmV0LWdvc3NpcC1rZXk=' },
  node_names: { sensitive: false, type: ['list', 'string'], value: ['a', 'b', 'c'] },
};

describe("a PR's facts come from production's outputs", () => {
  it('maps the documented output shape to the PR module variables, SSH keys included', () => {
    expect(previewFactsFromOutputs(OUTPUTS)).toEqual({
      network_id: 4711,
      server_private_ips: ['10.0.1.10', '10.0.1.11', '10.0.1.12'],
      ssh_key_names: ['demo-production', '123'],
      consul_encrypt_key: 'c2VjcmV0LWdvc3NpcC1rZXk=',
    });
  });

  it.each(['network_id', 'server_private_ips', 'ssh_key_names', 'consul_encrypt_key'])(
    'says which output is missing: %s',
    (name) => {
      const outputs: Record<string, unknown> = { ...OUTPUTS };
      delete outputs[name];
      expect(() => previewFactsFromOutputs(outputs)).toThrow(ProductionOutputsError);
      expect(() => previewFactsFromOutputs(outputs)).toThrow(`no output "${name}"`);
    },
  );

  it('refuses a hand-made file whose shape is not terraform output -json', () => {
    expect(() =>
      previewFactsFromOutputs({ network_id: 4711, server_private_ips: ['10.0.1.10'] }),
    ).toThrow(/shape of `terraform output -json`/);
  });

  it('the old hand-made variables file setting is refused with what to do instead', () => {
    const result = readRuntimeSettings({ PRENV_TF_VARS_FILE: 'pr.json' });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toContain('PRENV_TF_PRODUCTION_OUTPUTS');
  });
});

describe('server changes in a plan', () => {
  const update = (i: number) => ({
    address: `module.cluster.hcloud_server.server[${i}]`,
    action: 'update',
  });
  it.each([
    ['production', [], false, null],
    [
      'production',
      [{ address: 'module.cluster.hcloud_firewall.nodes', action: 'update' }],
      false,
      null,
    ],
    [
      'production',
      [{ address: 'module.cluster.hcloud_server.server[0]', action: 'create' }],
      false,
      null,
    ],
    ['production', [update(0)], false, 'changes servers'],
    ['production', [update(0)], true, null],
    ['production', [update(0), update(1)], true, 'changes 2 servers at once'],
    [
      'production',
      [{ address: 'module.cluster.hcloud_server.server[2]', action: 'replace' }],
      false,
      'replace',
    ],
    ['staging', [update(0)], false, 'changes servers'],
    ['staging', [update(0)], true, null],
  ] as const)('%s %j allowed=%s → %s', (env, changes, allow, expected) => {
    const refusal = serverChangeRefusal(env, changes, allow);
    if (expected === null) expect(refusal).toBeNull();
    else expect(refusal).toContain(expected);
  });
});

describe('environments.*.servers accepts what the modules accept', () => {
  const base = `project: demo
github: { owner: acme, repo: demo }
domain: demo.example.com
services: { web: { image: nginx, port: 80 } }
`;
  it.each([
    ['production: { servers: 3, host: demo.example.com }', true],
    ['production: { servers: 5, host: demo.example.com }', true],
    ['production: { servers: 4, host: demo.example.com }', false],
    ['production: { servers: 1, host: demo.example.com }', false],
    ['staging: { servers: 1, host: staging.demo.example.com }', true],
    ['staging: { servers: 2, host: staging.demo.example.com }', false],
  ])('%s → %s', (line, ok) => {
    const result = parseConfig(`${base}environments:\n  ${line}\n`, 'prenv.yml');
    expect(result.ok).toBe(ok);
  });
});
