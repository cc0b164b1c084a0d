import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { beforeAll, describe, expect, it } from 'vitest';
import { useConsul } from '../support/consul-process.js';
import { terraformEvaluate, terraformTemplatefile } from '../support/terraform-cli.js';
import { repoRoot } from '../support/tools.js';

// The Consul ACL policies of terraform/acl/consul, loaded into the real Consul (1.8.7) with
// ACLs on and default_policy "deny", as the cloud-init config sets them: what a preview node's
// token (its Consul agent and its Nomad client, so every job of the PR) can and cannot do.
const aclDir = path.join(repoRoot, 'terraform', 'acl', 'consul');
const prDir = path.join(repoRoot, 'terraform', 'environments', 'pr');
const master = 'b1c4d8e2-0f3a-4b5c-8d9e-7a6b5c4d3e2f';
const consul = useConsul({ aclMasterToken: master });

type Prefixes = {
  node_prefix: string;
  service_prefix: string;
  key_prefix: string;
};

/** What environments/pr passes to the policy template, evaluated by Terraform itself. */
async function previewPrefixes(project: string, pr: number): Promise<Prefixes> {
  return (await terraformEvaluate(
    [path.join(prDir, 'acl-names.tf')],
    { project, pr_number: String(pr) },
    'local.preview_acl_prefixes',
  )) as Prefixes;
}

async function previewPolicy(project: string, pr: number): Promise<string> {
  return terraformTemplatefile(
    path.join(aclDir, 'preview-node.hcl.tftpl'),
    await previewPrefixes(project, pr),
  );
}

async function api(
  method: string,
  urlPath: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${consul().httpUrl}${urlPath}`, {
    method,
    headers: token === undefined ? {} : { 'X-Consul-Token': token },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // Consul answers errors as plain text
  }
  return { status: res.status, json };
}

async function createPolicy(name: string, rules: string): Promise<void> {
  const r = await api('PUT', '/v1/acl/policy', master, { Name: name, Rules: rules });
  expect(r.status, JSON.stringify(r.json)).toBe(200);
}

async function createToken(policy: string): Promise<string> {
  const r = await api('PUT', '/v1/acl/token', master, { Policies: [{ Name: policy }] });
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  return (r.json as { SecretID: string }).SecretID;
}

const project = 'aipacto';
let pr7: string;

beforeAll(async () => {
  for (const env of ['production', 'staging', 'previews'])
    expect((await api('PUT', `/v1/kv/${project}/${env}/DATABASE_URL`, master, 'x')).status).toBe(
      200,
    );
  await createPolicy('pr-7-aipacto', await previewPolicy(project, 7));
  pr7 = await createToken('pr-7-aipacto');
});

describe("a preview node's Consul token (pr-7)", () => {
  it.each([
    [`${project}/previews/DATABASE_URL`, 200],
    [`${project}/production/DATABASE_URL`, 403],
    [`${project}/staging/DATABASE_URL`, 403],
    [`${project}/previewsX/DATABASE_URL`, 403],
    ['prenv/world', 403],
  ])('reading key %s answers %i', async (key, status) => {
    expect((await api('GET', `/v1/kv/${key}`, pr7)).status).toBe(status);
  });

  it('cannot write any key, its own secrets included', async () => {
    expect((await api('PUT', `/v1/kv/${project}/previews/DATABASE_URL`, pr7, 'y')).status).toBe(
      403,
    );
    expect((await api('PUT', `/v1/kv/${project}/production/NEW`, pr7, 'y')).status).toBe(403);
  });

  it.each([
    [`${project}-pr-7-web`, 200],
    [`${project}-pr-7-server`, 200],
    [`${project}-production-web`, 403],
    [`${project}-staging-web`, 403],
    [`${project}-pr-70-web`, 403],
    [`${project}-pr-8-web`, 403],
    ['prenv-bot', 403],
    ['nomad-client', 403],
    ['consul', 403],
  ])('registering service %s answers %i', async (name, status) => {
    const r = await api('PUT', '/v1/agent/service/register', pr7, { Name: name, Port: 8080 });
    expect(r.status, JSON.stringify(r.json)).toBe(status);
  });

  it('cannot read or write ACLs, nor open sessions', async () => {
    expect((await api('GET', '/v1/acl/policies', pr7)).status).toBe(403);
    expect((await api('PUT', '/v1/acl/token', pr7, { Policies: [] })).status).toBe(403);
    expect((await api('PUT', '/v1/session/create', pr7, {})).status).toBe(403);
  });

  it('can read the catalog for Consul DNS and service lookups', async () => {
    expect((await api('GET', '/v1/catalog/services', pr7)).status).toBe(200);
  });

  it('names exactly the services prenv generates for the PR', async () => {
    const { service_prefix } = await previewPrefixes(project, 7);
    expect(service_prefix).toBe('aipacto-pr-7-');
    for (const example of readdirSync(path.join(repoRoot, 'examples'))) {
      const dir = path.join(repoRoot, 'examples', example, 'golden', 'pr-7');
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.nomad.hcl'))) {
        const hcl = readFileSync(path.join(dir, file), 'utf8');
        const names = [...hcl.matchAll(/service \{\s*name\s*=\s*"([^"]+)"/g)].map((m) => m[1]!);
        const prefix = (await previewPrefixes(example, 7)).service_prefix;
        for (const name of names) expect(name.startsWith(prefix), name).toBe(true);
      }
    }
  });
});

describe('the Consul policies applied at the ACL bootstrap', () => {
  it.each(['anonymous', 'cluster-node', 'bot'])('%s.hcl is accepted by Consul', async (name) => {
    await createPolicy(`prenv-${name}`, readFileSync(path.join(aclDir, `${name}.hcl`), 'utf8'));
  });

  it('the anonymous policy answers Consul DNS and nothing else', async () => {
    const anonymous = '00000000-0000-0000-0000-000000000002';
    const r = await api('PUT', `/v1/acl/token/${anonymous}`, master, {
      Policies: [{ Name: 'prenv-anonymous' }],
    });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect((await api('GET', '/v1/catalog/services', undefined)).status).toBe(200);
    expect((await api('GET', `/v1/kv/${project}/previews/DATABASE_URL`, undefined)).status).toBe(
      403,
    );
    const reg = await api('PUT', '/v1/agent/service/register', undefined, { Name: 'x' });
    expect(reg.status).toBe(403);
  });

  it('a bot token can create a preview policy and token (what environments/pr/acl.tf does)', async () => {
    const bot = await createToken('prenv-bot');
    const policy = await api('PUT', '/v1/acl/policy', bot, {
      Name: 'pr-9-aipacto',
      Rules: await previewPolicy(project, 9),
    });
    expect(policy.status, JSON.stringify(policy.json)).toBe(200);
    const token = await api('PUT', '/v1/acl/token', bot, { Policies: [{ Name: 'pr-9-aipacto' }] });
    expect(token.status, JSON.stringify(token.json)).toBe(200);
  });
});

describe('the preview policy template', () => {
  it('keeps its shape whatever the prefixes hold', async () => {
    const hostile = '"} \nkey_prefix "" { policy = "write" } #';
    const rules = await terraformTemplatefile(path.join(aclDir, 'preview-node.hcl.tftpl'), {
      node_prefix: hostile,
      service_prefix: hostile,
      key_prefix: hostile,
    });
    const parsed = (await parseHcl('policy.hcl', rules)) as Record<string, Record<string, unknown>>;
    expect(Object.keys(parsed).sort()).toEqual([
      'agent_prefix',
      'key_prefix',
      'node_prefix',
      'service_prefix',
    ]);
    expect(Object.keys(parsed.key_prefix!)).toEqual([hostile]);
  });
});
