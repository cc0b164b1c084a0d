import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateRendered, type EvalScope, type HclValue } from './hcl-eval.js';
import {
  at,
  environmentDir,
  inspect,
  moduleDir,
  parseDir,
  parseFile,
  type HclBody,
} from './terraform-tree.js';

// Hetzner Cloud label rules (API docs, "Labels"): key name and value at most
// 63 characters of this shape; server names must be RFC 1123 host names.
const LABEL = /^(([a-z0-9A-Z][-a-z0-9_.A-Z]*)?[a-z0-9A-Z])?$/;
const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const LONGEST_PROJECT = `p${'x'.repeat(29)}`;

interface Validation {
  condition: string;
  error_message: string;
}

function validations(body: HclBody, variable: string): Validation[] {
  const block = at(body, 'variable', variable, 0) as { validation?: Validation[] };
  return block.validation ?? [];
}

async function failedValidations(
  body: HclBody,
  variable: string,
  value: HclValue,
): Promise<string[]> {
  const failed: string[] = [];
  for (const v of validations(body, variable)) {
    const ok = await evaluateRendered(v.condition, { var: { [variable]: value } });
    if (ok !== true) failed.push(v.error_message);
  }
  return failed;
}

let prEnv: HclBody;
let moduleBody: HclBody;
let example: Record<string, HclValue>;
let moduleDefaults: Record<string, HclValue>;
let prDefaults: Record<string, HclValue>;

async function defaults(dir: string): Promise<Record<string, HclValue>> {
  const vars = (await inspect(dir)).variables;
  return Object.fromEntries(
    Object.values(vars)
      .filter((v) => !v.required)
      .map((v) => [v.name, v.default as HclValue]),
  );
}

beforeAll(async () => {
  prEnv = await parseDir(environmentDir('pr'));
  moduleBody = await parseDir(moduleDir);
  example = (await parseFile(
    path.join(environmentDir('pr'), 'terraform.tfvars.example'),
  )) as Record<string, HclValue>;
  moduleDefaults = await defaults(moduleDir);
  prDefaults = await defaults(environmentDir('pr'));
});

/** The module's variables as the PR environment sets them for one pull request. */
async function moduleInputs(prNumber: number, project: string): Promise<Record<string, HclValue>> {
  const call = at(prEnv, 'module', 'preview', 0) as Record<string, unknown>;
  const scope: EvalScope = { var: { ...prDefaults, ...example, pr_number: prNumber, project } };
  const inputs: Record<string, HclValue> = { ...moduleDefaults };
  for (const [name, value] of Object.entries(call)) {
    if (name === 'source') continue;
    // A data source's attribute (the preview's Consul token) is known only at apply; the
    // module's default stands in for it, as nothing checked here depends on it.
    if (typeof value === 'string' && value.startsWith('${data.')) continue;
    inputs[name] = await evaluateRendered(value, scope);
  }
  return inputs;
}

function moduleScope(inputs: Record<string, HclValue>, index = 0): EvalScope {
  const local = Object.assign({}, ...(at(moduleBody, 'locals') as Record<string, unknown>[]));
  return { var: inputs, local, count: { index } };
}

describe('environments/pr: pr_number validation', () => {
  it('the range condition is the simple comparison the bounds are read from', () => {
    const conditions = validations(prEnv, 'pr_number').map((v) => v.condition);
    expect(conditions).toContain('${var.pr_number >= 1 && var.pr_number <= 999999}');
  });

  it.each([1, 9999, 999999])('accepts pr_number %d', async (n) => {
    expect(await failedValidations(prEnv, 'pr_number', n)).toEqual([]);
  });

  it.each([0, 1000000, -5])('rejects pr_number %d as out of range', async (n) => {
    expect(await failedValidations(prEnv, 'pr_number', n)).toEqual([
      'The pr_number must be between 1 and 999999.',
    ]);
  });

  it('rejects a fractional pr_number', async () => {
    expect(await failedValidations(prEnv, 'pr_number', 12.5)).toEqual([
      'The pr_number must be a whole number.',
    ]);
  });

  it('accepts the longest project name and rejects one character more', async () => {
    expect(await failedValidations(prEnv, 'project', LONGEST_PROJECT)).toEqual([]);
    expect(await failedValidations(prEnv, 'project', `${LONGEST_PROJECT}x`)).toHaveLength(1);
  });
});

describe.each([1, 9999, 999999])('environments/pr instantiated for pr %d', (prNumber) => {
  it.each([['example project'], ['longest project']])(
    'passes the module validations with the %s',
    async (which) => {
      const project = which === 'example project' ? String(example.project) : LONGEST_PROJECT;
      const inputs = await moduleInputs(prNumber, project);
      expect(inputs).toMatchObject({
        environment: 'pr',
        pr_number: prNumber,
        server_count: 0,
        client_count: 1,
        node_pool: 'previews',
      });
      const checked = [
        'project',
        'environment',
        'pr_number',
        'server_type',
        'location',
        'node_pool',
        'server_count',
        'client_count',
      ];
      for (const name of checked) {
        for (const v of validations(moduleBody, name)) {
          const ok = await evaluateRendered(v.condition, { var: { [name]: inputs[name]! } });
          expect(ok, `${name}: ${v.error_message}`).toBe(true);
        }
      }
    },
  );

  it.each([['example project'], ['longest project']])(
    'names the node pr-N-… and labels it within Hetzner limits (%s)',
    async (which) => {
      const project = which === 'example project' ? String(example.project) : LONGEST_PROJECT;
      const inputs = await moduleInputs(prNumber, project);
      const client = at(moduleBody, 'resource', 'hcloud_server', 'client', 0) as Record<
        string,
        unknown
      >;
      const scope = moduleScope(inputs);

      const name = await evaluateRendered(client.name, scope);
      expect(name).toBe(`pr-${prNumber}-${project}-client-1`);
      expect(String(name).length).toBeLessThanOrEqual(63);
      expect(String(name)).toMatch(HOSTNAME);

      const labels = (await evaluateRendered(client.labels, scope)) as Record<string, string>;
      expect(labels).toMatchObject({
        project,
        environment: 'pr',
        pr: String(prNumber),
        role: 'client',
      });
      for (const [key, value] of Object.entries(labels)) {
        expect(key.length, key).toBeLessThanOrEqual(63);
        expect(key, key).toMatch(LABEL);
        expect(value.length, `${key}=${value}`).toBeGreaterThan(0);
        expect(value.length, `${key}=${value}`).toBeLessThanOrEqual(63);
        expect(value, `${key}=${value}`).toMatch(LABEL);
      }

      const firewall = at(moduleBody, 'resource', 'hcloud_firewall', 'nodes', 0) as Record<
        string,
        unknown
      >;
      const firewallName = String(await evaluateRendered(firewall.name, scope));
      expect(firewallName).toBe(`pr-${prNumber}-${project}-nodes`);
      expect(firewallName.length).toBeLessThanOrEqual(63);
    },
  );
});

describe('labels outside previews', () => {
  it.each(['production', 'staging'])('%s labels pr=none, never an empty value', async (env) => {
    const inputs = { ...moduleDefaults, project: 'aipacto', environment: env };
    const server = at(moduleBody, 'resource', 'hcloud_server', 'server', 0) as Record<
      string,
      unknown
    >;
    const scope = moduleScope(inputs, 2);
    const labels = (await evaluateRendered(server.labels, scope)) as Record<string, string>;
    expect(labels).toMatchObject({
      project: 'aipacto',
      environment: env,
      pr: 'none',
      role: 'server',
    });
    for (const value of Object.values(labels)) expect(value).toMatch(LABEL);
    expect(await evaluateRendered(server.name, scope)).toBe(`aipacto-${env}-server-3`);
  });
});
