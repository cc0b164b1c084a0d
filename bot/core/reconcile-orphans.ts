import type { World } from './model.js';
import { parsePrNumber } from './pr-number.js';

/** A Hetzner server as an adapter lists it (filtered by the `project` label). */
export interface LabelledServer {
  name: string;
  labels: { project: string; environment: string; pr: string };
}

/** A Nomad job carrying prenv's ownership meta (`prenv_pr` only on PR envs). */
export interface PrenvJob {
  id: string;
  meta: { prenv_project: string; prenv_env: string; prenv_pr?: string; prenv_sha?: string };
}

export type OrphanPart = 'server' | 'nomad_job' | 'terraform_state' | 'consul_acl';

/**
 * The name of PR `pr`'s Consul ACL policy, as terraform/environments/pr/acl.tf names it
 * (`pr-<n>-<project>`); its token is the one holding that policy.
 */
export function previewAclPolicyName(project: string, pr: number): string {
  return `pr-${pr}-${project}`;
}

/** The PR a preview ACL policy of `project` belongs to; null for any other policy. */
export function previewAclPolicyPr(project: string, name: string): number | null {
  const match = /^pr-([^-]+)-(.+)$/.exec(name);
  return match && match[2] === project ? parsePrNumber(match[1]) : null;
}

/**
 * Destroy what is left of PR `pr` without an environment record: the executor runs a destroy
 * for that PR (Terraform destroy of its state, delete leftover servers by name, deregister the
 * jobs), each part tolerating "already gone". It takes no slot: it only removes servers.
 */
export interface DestroyOrphanStep {
  kind: 'destroy_orphan';
  pr: number;
  what: OrphanPart[];
  servers: string[];
  nomadJobs: string[];
}

export interface OrphanInput {
  world: World;
  servers: LabelledServer[];
  nomadJobs: PrenvJob[];
  terraformStates: number[];
  /** PRs with a preview Consul ACL policy (`previewAclPolicyName`); absent: not read. */
  consulAcls?: number[];
}

/** Preview infrastructure of this project whose PR has no record or an absent one. */
export function findOrphans(input: OrphanInput, project: string): DestroyOrphanStep[] {
  const byPr = new Map<number, DestroyOrphanStep>();
  const entry = (pr: number) => {
    let step = byPr.get(pr);
    if (!step) {
      step = { kind: 'destroy_orphan', pr, what: [], servers: [], nomadJobs: [] };
      byPr.set(pr, step);
    }
    return step;
  };
  for (const server of input.servers) {
    const { labels } = server;
    const pr = parsePrNumber(labels.pr);
    if (labels.project !== project || labels.environment !== 'pr' || pr === null) continue;
    entry(pr).servers.push(server.name);
  }
  for (const job of input.nomadJobs) {
    const pr = parsePrNumber(job.meta.prenv_pr);
    if (job.meta.prenv_project !== project || pr === null || job.meta.prenv_env !== `pr-${pr}`)
      continue;
    entry(pr).nomadJobs.push(job.id);
  }
  const states = new Set(input.terraformStates);
  for (const pr of states) entry(pr);
  const acls = new Set(input.consulAcls ?? []);
  for (const pr of acls) entry(pr);
  const orphans: DestroyOrphanStep[] = [];
  for (const step of [...byPr.values()].sort((a, b) => a.pr - b.pr)) {
    const env = input.world.envs[step.pr];
    if (env && env.phase !== 'absent') continue;
    step.servers.sort();
    step.nomadJobs.sort();
    if (step.servers.length > 0) step.what.push('server');
    if (step.nomadJobs.length > 0) step.what.push('nomad_job');
    if (states.has(step.pr)) step.what.push('terraform_state');
    if (acls.has(step.pr)) step.what.push('consul_acl');
    orphans.push(step);
  }
  return orphans;
}
