import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { at, environmentDir, moduleDir, parseDir } from './terraform-tree.js';

// environments/pr creates the preview node's Consul policy and token and hands the token to
// the node; test/acl/consul-policies.test.ts proves what the policy allows in the real Consul.
describe("a preview's Consul ACL token in environments/pr", () => {
  it('comes from the policy template rendered with acl-names.tf, via a pinned consul provider', async () => {
    const pr = await parseDir(environmentDir('pr'));
    const tf = (pr.terraform as Record<string, unknown>[]).find((b) => b.required_providers)!;
    const consul = at(tf, 'required_providers', 0, 'consul') as { source: string; version: string };
    expect(consul.source).toBe('hashicorp/consul');
    // "~> X.Y.Z" allows patch releases of one minor only, as hcloud is pinned.
    expect(consul.version).toMatch(/^~> \d+\.\d+\.\d+$/);

    const rules = String(at(pr, 'resource', 'consul_acl_policy', 'preview', 0, 'rules'));
    const template =
      /templatefile\("\$\{path\.module\}\/([^"]+)", local\.preview_acl_prefixes\)/.exec(rules);
    expect(template, rules).not.toBeNull();
    expect(existsSync(path.join(environmentDir('pr'), template![1]!))).toBe(true);

    const token = at(pr, 'resource', 'consul_acl_token', 'preview', 0, 'policies');
    expect(token).toEqual(['${consul_acl_policy.preview.name}']);
    expect(at(pr, 'module', 'preview', 0, 'consul_agent_token')).toBe(
      '${data.consul_acl_token_secret_id.preview.secret_id}',
    );
  });

  it('is a sensitive module variable, empty by default (servers get theirs after bootstrap)', async () => {
    const mod = await parseDir(moduleDir);
    expect(at(mod, 'variable', 'consul_agent_token', 0)).toMatchObject({
      default: '',
      sensitive: true,
    });
  });
});
