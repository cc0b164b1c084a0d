import type { DestroyOrphanStep } from '../core/reconcile.js';
import type { HetznerApi, HetznerServer } from '../adapters/hetzner/index.js';
import type { NomadApi } from '../adapters/nomad/index.js';
import type { TerraformRunner } from '../adapters/terraform/index.js';
import type { EnvironmentOps } from './environment-ops.js';
import type { ConsulAcl } from '../adapters/consul/acl.js';
import { previewAclPolicyName } from '../core/reconcile-orphans.js';

export interface CleanupDeps {
  project: string;
  /** Consul's ACLs, to remove a preview's policy and token; absent: left (and said so). */
  consulAcl?: ConsulAcl;
  ops: EnvironmentOps;
  nomad: NomadApi;
  hetzner: HetznerApi | null;
  signal: AbortSignal;
  step: (what: string) => void;
}

export interface CleanupResult {
  pr: number;
  /** What was done, one short line each. */
  done: string[];
  /** Why the cleanup stopped; null when it finished. */
  error: string | null;
}

/**
 * Removes what is left of a PR without an env. With a Terraform state, the destroy pipeline
 * (route, jobs, `terraform destroy`), then any server still labelled for the PR is deleted; a
 * labelled server without a state is deleted through the Hetzner API; Nomad jobs without a
 * server are stopped with purge; the PR's Consul ACL token and policy, left when its Terraform
 * state was lost, are deleted last. Every part tolerates "already gone".
 */
export async function runCleanup(
  orphan: DestroyOrphanStep,
  servers: HetznerServer[],
  deps: CleanupDeps,
): Promise<CleanupResult> {
  const { pr } = orphan;
  const done: string[] = [];
  try {
    if (orphan.what.includes('terraform_state')) {
      deps.step(`pr-${pr}: destroy pipeline (route, jobs, terraform destroy)`);
      await deps.ops.destroy(pr, { signal: deps.signal, step: (s) => deps.step(`pr-${pr}: ${s}`) });
      done.push('ran the destroy pipeline');
      const left = deps.hetzner
        ? await deps.hetzner.listServers(`project==${deps.project},environment==pr,pr==${pr}`)
        : [];
      await deleteServers(left, pr, deps, done);
      if (orphan.what.includes('consul_acl')) await deleteAcl(pr, deps, done);
      return { pr, done, error: null };
    }
    const named = new Set(orphan.servers);
    await deleteServers(
      servers.filter((s) => named.has(s.name)),
      pr,
      deps,
      done,
    );
    for (const job of orphan.nomadJobs) {
      deps.step(`pr-${pr}: stopping Nomad job ${job}`);
      const { gone } = await deps.nomad.stopJob(job, { purge: true });
      done.push(
        gone === 'stopped' ? `stopped Nomad job ${job}` : `Nomad job ${job} was already gone`,
      );
    }
    if (orphan.what.includes('consul_acl')) await deleteAcl(pr, deps, done);
    return { pr, done, error: null };
  } catch (err) {
    return { pr, done, error: (err as Error).message };
  }
}

/** Deletes every token holding PR `pr`'s preview policy, then the policy (by name prefix). */
async function deleteAcl(pr: number, deps: CleanupDeps, done: string[]): Promise<void> {
  if (!deps.consulAcl) throw new Error('cannot delete Consul ACLs without a Consul client');
  const name = previewAclPolicyName(deps.project, pr);
  deps.step(`pr-${pr}: deleting Consul ACL policy ${name} and its token`);
  const tokens = (await deps.consulAcl.listTokens()).filter((t) => t.policies.includes(name));
  for (const token of tokens) await deps.consulAcl.deleteToken(token.accessorId);
  const policies = (await deps.consulAcl.listPolicies()).filter((p) => p.name === name);
  for (const policy of policies) await deps.consulAcl.deletePolicy(policy.id);
  done.push(
    policies.length > 0
      ? `deleted Consul ACL policy ${name} and ${tokens.length} token(s)`
      : `Consul ACL policy ${name} was already gone`,
  );
}

async function deleteServers(
  servers: HetznerServer[],
  pr: number,
  deps: CleanupDeps,
  done: string[],
): Promise<void> {
  if (servers.length > 0 && !deps.hetzner)
    throw new Error('cannot delete servers without a Hetzner token (set PRENV_HCLOUD_TOKEN)');
  for (const server of servers) {
    deps.step(`pr-${pr}: deleting server ${server.name} (${server.id})`);
    const result = await deps.hetzner!.deleteServer(server.id);
    done.push(
      result === 'deleted'
        ? `deleted server ${server.name}`
        : `server ${server.name} was already gone`,
    );
  }
}

/**
 * Whether a PR's Terraform state still holds the PR module: `terraform output` of a state
 * whose resources were destroyed (or that never existed) has no outputs. Read-only for the
 * infrastructure; `init` only writes Terraform's local working directory.
 */
export function terraformStateProbe(
  terraform: TerraformRunner,
  dir: string,
): (pr: number) => Promise<boolean> {
  return async (pr) => {
    const target = { environment: 'pr' as const, pr, dir };
    await terraform.init(target);
    return Object.keys(await terraform.output(target)).length > 0;
  };
}
