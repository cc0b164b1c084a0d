import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import { createConsulClient } from '../../bot/adapters/consul/client.js';
import type { NomadApi } from '../../bot/adapters/nomad/index.js';
import { silentLogger } from '../../bot/core/logger.js';
import { emptyWorld, newEnv, type World } from '../../bot/core/model.js';
import { planContext } from '../../bot/core/plan-context.js';
import { previewAclPolicyName } from '../../bot/core/reconcile-orphans.js';
import { Reconciler } from '../../bot/runtime/reconciler.js';
import { useConsul } from '../support/consul-process.js';
import { repoRoot } from '../support/tools.js';

// A real Consul 1.8.7 with ACLs on (default deny). Each preview's Terraform run creates a
// policy `pr-<n>-<project>` and a token holding it (terraform/environments/pr/acl.tf); when the
// PR's Terraform state is lost, nothing else would ever delete them.
const master = '5f0e3c1a-7b2d-4e6f-9a8b-1c2d3e4f5a6b';
const consul = useConsul({ aclMasterToken: master });
const withoutAcls = useConsul();
const project = 'aipacto';

const pull = (number: number) => ({
  number,
  headSha: 'a'.repeat(40),
  headRef: `feature-${number}`,
  baseRef: 'main',
  title: `PR ${number}`,
  author: 'octocat',
  draft: false,
  fork: false,
  state: 'open' as const,
  merged: false,
});

function world(): World {
  const w = emptyWorld();
  w.envs[7] = { ...newEnv(pull(7), Date.now()), phase: 'live', deployedSha: 'a'.repeat(40) };
  w.envs[12] = { ...newEnv(pull(12), Date.now()), phase: 'absent' };
  return w;
}

function reconciler(consulUrl: string, token?: string) {
  const client = createConsulClient({
    baseUrl: consulUrl,
    fetch,
    ...(token ? { token } : {}),
  });
  const handled: unknown[] = [];
  const nomad = { listJobs: async () => [] } as unknown as NomadApi;
  const r = new Reconciler({
    project,
    github: { listOpenPullRequests: async () => [{ ...pull(7), labels: [] }] as never },
    store: { loadWorld: async () => ({ world: world(), version: 1 }) },
    nomad,
    consulAcl: client.acl,
    hetzner: null,
    hasTerraformState: async () => false,
    ops: {} as never,
    engine: { handle: async (e) => void handled.push(e) },
    context: () => planContext({ now: Date.now(), previewUrl: (pr) => `https://pr-${pr}.test` }),
    logger: silentLogger,
  });
  return { r, acl: client.acl };
}

it('names the policy as the PR module does', async () => {
  const file = path.join(repoRoot, 'terraform/environments/pr/acl.tf');
  const hcl = (await parseHcl(file, readFileSync(file, 'utf8'))) as {
    resource: { consul_acl_policy: { preview: { name: string }[] } };
  };
  const name = hcl.resource.consul_acl_policy.preview[0]!.name;
  expect(name.replace('${var.pr_number}', '7').replace('${var.project}', project)).toBe(
    previewAclPolicyName(project, 7),
  );
});

describe("the reconciler removes a PR's Consul ACL policy and token left without an environment", () => {
  it('finds them by name, removes only those, and keeps a live PR, other projects and the bot', async () => {
    const { r, acl } = reconciler(consul().httpUrl, master);
    const api = async (path: string, body: unknown) => {
      const res = await fetch(`${consul().httpUrl}${path}`, {
        method: 'PUT',
        headers: { 'X-Consul-Token': master },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { SecretID?: string };
    };
    const secrets: Record<string, string> = {};
    for (const name of [
      previewAclPolicyName(project, 7), // live
      previewAclPolicyName(project, 9), // state lost, no env
      previewAclPolicyName(project, 12), // env destroyed (absent), policy left
      previewAclPolicyName('other', 9), // another project's preview
      'prenv-bot',
    ]) {
      await api('/v1/acl/policy', { Name: name, Rules: 'node_prefix "" { policy = "read" }' });
      secrets[name] = (await api('/v1/acl/token', { Policies: [{ Name: name }] })).SecretID!;
    }
    const names = async () => (await acl.listPolicies()).map((p) => p.name).sort();

    const dry = await r.run({ dryRun: true });
    const orphans = dry.plan.findings.filter((f) => f.kind === 'orphan');
    expect(orphans.map((f) => [f.env, f.cleanup[0]!.what])).toEqual([
      ['pr-9', ['consul_acl']],
      ['pr-12', ['consul_acl']],
    ]);
    expect(orphans[0]!.reason).toBe(
      'a Consul ACL policy and token left for PR #9, which has no environment',
    );
    expect(await names()).toContain('pr-9-aipacto');

    const outcome = await r.run();
    expect(outcome.warnings.filter((w) => !w.startsWith('servers not checked'))).toEqual([]);
    expect(outcome.cleanups).toEqual([
      { pr: 9, done: ['deleted Consul ACL policy pr-9-aipacto and 1 token(s)'], error: null },
      { pr: 12, done: ['deleted Consul ACL policy pr-12-aipacto and 1 token(s)'], error: null },
    ]);
    expect(await names()).toEqual(['global-management', 'pr-7-aipacto', 'pr-9-other', 'prenv-bot']);
    // The orphans' tokens are gone; the live PR's token still works.
    const self = async (secret: string) =>
      (
        await fetch(`${consul().httpUrl}/v1/acl/token/self`, {
          headers: { 'X-Consul-Token': secret },
        })
      ).status;
    expect(await self(secrets['pr-9-aipacto']!)).not.toBe(200);
    expect(await self(secrets['pr-12-aipacto']!)).not.toBe(200);
    expect(await self(secrets['pr-7-aipacto']!)).toBe(200);

    // The next pass finds nothing left.
    expect((await r.run()).cleanups).toEqual([]);
  });

  it('a Consul without ACLs has no preview policies: nothing to find, no warning', async () => {
    const { r } = reconciler(withoutAcls().httpUrl);
    const outcome = await r.run({ dryRun: true });
    expect(outcome.warnings.filter((w) => !w.startsWith('servers not checked'))).toEqual([]);
    expect(outcome.plan.findings.filter((f) => f.kind === 'orphan')).toEqual([]);
  });
});
