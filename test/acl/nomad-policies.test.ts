import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/tools.js';

// Nomad can't run here: the policies are checked against Nomad's published ACL policy spec as
// Nomad 1.9.2 implements it (acl/policy.go: the rule blocks, policies and capabilities it
// accepts) and against the ACL each HTTP endpoint the adapter calls requires
// (website/content/api-docs/jobs.mdx and nodes.mdx at v1.9.2).
const nomadDir = path.join(repoRoot, 'terraform', 'acl', 'nomad');

const spec = {
  blocks: ['namespace', 'node_pool', 'host_volume', 'agent', 'node', 'operator', 'quota', 'plugin'],
  policies: ['deny', 'read', 'write', 'list', 'scale'],
  namespaceCapabilities: [
    'deny',
    'list-jobs',
    'parse-job',
    'read-job',
    'submit-job',
    'dispatch-job',
    'read-logs',
    'read-fs',
    'alloc-exec',
    'alloc-node-exec',
    'alloc-lifecycle',
    'sentinel-override',
    'csi-register-plugin',
    'csi-write-volume',
    'csi-read-volume',
    'csi-list-volume',
    'csi-mount-volume',
    'list-scaling-policies',
    'read-scaling-policy',
    'read-job-scaling',
    'scale-job',
    'submit-recommendation',
  ],
  hostVolumeCapabilities: ['deny', 'mount-readonly', 'mount-readwrite'],
  nodePoolCapabilities: ['delete', 'deny', 'read', 'write'],
  namespaceLabel: /^[a-zA-Z0-9-*]{1,128}$/,
};

/** What each endpoint of bot/adapters/nomad/client.ts requires (Nomad API docs, "ACL Required"). */
const endpointAcl: Record<string, { namespace?: string[]; node?: 'read' }> = {
  'POST /v1/jobs/parse': { namespace: ['parse-job'] },
  'POST /v1/job/:id/plan': { namespace: ['submit-job'] },
  'POST /v1/jobs': { namespace: ['submit-job'] },
  'GET /v1/jobs': { namespace: ['list-jobs'] },
  'GET /v1/job/:id': { namespace: ['read-job'] },
  'DELETE /v1/job/:id': { namespace: ['submit-job'] },
  'GET /v1/job/:id/allocations': { namespace: ['read-job'] },
  'GET /v1/job/:id/deployment': { namespace: ['read-job'] },
  'GET /v1/nodes': { node: 'read' },
  'GET /v1/node/:id': { node: 'read' },
};

type Body = Record<string, unknown>;
type Rule = { policy?: string; capabilities?: string[] };

async function policy(file: string): Promise<Body> {
  return (await parseHcl(file, readFileSync(path.join(nomadDir, file), 'utf8'))) as Body;
}

function labelled(body: Body, block: string): Record<string, Rule> {
  const raw = (body[block] ?? {}) as Record<string, Rule[]>;
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v[0]!]));
}

/** The endpoints the Nomad adapter calls, read from its source. */
function adapterEndpoints(): string[] {
  const source = readFileSync(path.join(repoRoot, 'bot/adapters/nomad/client.ts'), 'utf8');
  const calls = [
    ...source.matchAll(/method: '(\w+)',\s*path: [`']([^`']+)[`']/g),
    ...source.matchAll(/\{ method: '(\w+)', path: [`']([^`']+)[`']/g),
  ];
  return [...new Set(calls.map((m) => `${m[1]} ${m[2]!.replace(/\$\{[^}]+\}/g, ':id')}`))].sort();
}

const files = readdirSync(nomadDir).filter((f) => f.endsWith('.hcl'));

describe.each(files)('Nomad ACL policy %s', (file) => {
  it('uses only the rule blocks, policies and capabilities Nomad 1.9 accepts', async () => {
    const body = await policy(file);
    for (const block of Object.keys(body)) expect(spec.blocks).toContain(block);
    for (const [label, rule] of Object.entries(labelled(body, 'namespace'))) {
      expect(label).toMatch(spec.namespaceLabel);
      if (rule.policy) expect(spec.policies).toContain(rule.policy);
      for (const c of rule.capabilities ?? []) expect(spec.namespaceCapabilities).toContain(c);
    }
    for (const rule of Object.values(labelled(body, 'host_volume')))
      for (const c of rule.capabilities ?? []) expect(spec.hostVolumeCapabilities).toContain(c);
    for (const rule of Object.values(labelled(body, 'node_pool')))
      for (const c of rule.capabilities ?? []) expect(spec.nodePoolCapabilities).toContain(c);
    for (const block of ['node', 'agent', 'operator', 'quota', 'plugin']) {
      const rule = (body[block] as Rule[] | undefined)?.[0];
      if (rule) expect(spec.policies).toContain(rule.policy);
    }
  });
});

describe('the deployer policy (the bot and CI)', () => {
  it('allows every call the Nomad adapter makes', async () => {
    const body = await policy('deployer.hcl');
    const caps = labelled(body, 'namespace').default!.capabilities ?? [];
    const endpoints = adapterEndpoints();
    expect(endpoints.length).toBeGreaterThanOrEqual(8);
    for (const endpoint of endpoints) {
      const needs = endpointAcl[endpoint];
      expect(needs, `no ACL known for ${endpoint}: add it from Nomad's API docs`).toBeDefined();
      for (const c of needs!.namespace ?? []) expect(caps, endpoint).toContain(c);
      if (needs!.node) expect((body.node as Rule[])[0]!.policy).toMatch(/^(read|write)$/);
    }
  });

  it('cannot enter, read or steer running allocations, nor run the cluster', async () => {
    const body = await policy('deployer.hcl');
    const namespaces = labelled(body, 'namespace');
    expect(Object.keys(namespaces)).toEqual(['default']);
    expect(namespaces.default!.policy).toBeUndefined();
    for (const c of ['alloc-exec', 'alloc-node-exec', 'read-fs', 'read-logs', 'alloc-lifecycle'])
      expect(namespaces.default!.capabilities).not.toContain(c);
    for (const block of ['agent', 'operator', 'quota', 'plugin', 'node_pool'])
      expect(body).not.toHaveProperty(block);
    expect((body.node as Rule[])[0]!.policy).toBe('read');
  });

  it('may mount host volumes read-write, which jobs claiming them need at registration', async () => {
    const body = await policy('deployer.hcl');
    expect(labelled(body, 'host_volume')['*']!.policy).toBe('write');
  });
});

describe('preview jobs', () => {
  it('run in node pool previews on their own PR node, production jobs never there', () => {
    for (const example of readdirSync(path.join(repoRoot, 'examples'))) {
      const golden = path.join(repoRoot, 'examples', example, 'golden');
      for (const env of ['pr-7', 'production', 'staging']) {
        for (const f of readdirSync(path.join(golden, env)).filter((n) => n.endsWith('.hcl'))) {
          const hcl = readFileSync(path.join(golden, env, f), 'utf8');
          if (env === 'pr-7') {
            expect(hcl, f).toMatch(/^ {2}node_pool = "previews"$/m);
            expect(hcl, f).toMatch(/attribute = "\$\{meta\.pr\}"\s+value\s+= "7"/);
          } else {
            expect(hcl, f).not.toContain('previews"');
          }
        }
      }
    }
  });
});
