import type { PullRequestRef, World } from '../core/model.js';
import { parsePrNumber } from '../core/pr-number.js';
import type { LabelledServer, PrenvJob, ReconcileInput } from '../core/reconcile.js';
import type { GitHubPort } from '../adapters/github/github-port.js';
import type { HetznerApi, HetznerServer } from '../adapters/hetzner/index.js';
import { listOwnedJobs, OWNER_META, type NomadApi } from '../adapters/nomad/index.js';
import type { StateStore } from '../adapters/store/state-store.js';
import type { CaddyAdminClient } from '../adapters/caddy/admin-client.js';
import type { CaddyFleet } from './caddy-fleet.js';
import type { ConsulAcl } from '../adapters/consul/acl.js';
import { previewAclPolicyPr } from '../core/reconcile-orphans.js';

/** Where the reconciler reads desired and actual state from. */
export interface ReconcileSources {
  project: string;
  github: Pick<GitHubPort, 'listOpenPullRequests'>;
  store: Pick<StateStore, 'loadWorld'>;
  nomad: NomadApi;
  /** null: no Hetzner token, servers are not checked. */
  hetzner: HetznerApi | null;
  /** Whether PR `pr`'s Terraform state holds resources (see `terraformStateProbe`). */
  hasTerraformState: (pr: number) => Promise<boolean>;
  /**
   * Caddy's admin API, to compare routes with live envs; absent: routes are not checked. A
   * fleet also restores the fixed routes a Caddy lost (`CaddyFleet.restoreFixedRoutes`).
   */
  /** Consul's ACLs, to find preview policies and tokens left behind; absent: not checked. */
  consulAcl?: ConsulAcl;
  caddy?: Pick<CaddyAdminClient, 'listPrenvRoutes'> &
    Partial<Pick<CaddyFleet, 'restoreFixedRoutes'>>;
}

export interface Gathered {
  input: Omit<ReconcileInput, 'now'>;
  /** The labelled servers with their ids, for deleting strays. */
  servers: HetznerServer[];
  /** What could not be read; the pass goes on without it. */
  warnings: string[];
}

export type GatherStep = (what: string) => void;

/**
 * Reads the desired state (open PRs on GitHub) and the actual one (the world, the project's
 * servers, prenv's Nomad jobs, Terraform states). GitHub and the store must answer: without
 * them every env would look closed. Hetzner and Nomad may fail; the pass then only repairs
 * what it can see, and says so.
 *
 * Terraform states are not listed (the S3 backend has no listing through Terraform): the PRs
 * checked are those a labelled server or a Nomad job names without a live env record, and
 * each is asked with `terraform output` (a state that still holds the PR module has outputs).
 */
export async function gatherReconcileInput(
  src: ReconcileSources,
  step: GatherStep = () => {},
): Promise<Gathered> {
  const warnings: string[] = [];
  // The world first: a PR that closes between the two reads is then seen closed (and
  // destroyed, rightly), while one that opens in between is only fed again as opened.
  step('reading the state');
  const { world } = await src.store.loadWorld();
  step('reading open pull requests from GitHub');
  const pulls = await src.github.listOpenPullRequests();
  const openPulls = pulls.map((p): PullRequestRef => ({
    number: p.number,
    headSha: p.headSha,
    headRef: p.headRef,
    baseRef: world.envs[p.number]?.pull.baseRef ?? '',
    title: p.title,
    author: p.author,
    draft: p.draft,
    fork: p.fork,
    state: 'open',
    merged: false,
    ...(p.updatedAt ? { updatedAt: p.updatedAt } : {}),
  }));

  let servers: HetznerServer[] = [];
  if (src.hetzner) {
    step(`listing Hetzner servers labelled project==${src.project}`);
    try {
      servers = await src.hetzner.listServers(`project==${src.project}`);
    } catch (err) {
      warnings.push(`servers not checked: ${(err as Error).message}`);
    }
  } else {
    warnings.push('servers not checked: no Hetzner token (set PRENV_HCLOUD_TOKEN)');
  }

  step('listing prenv’s Nomad jobs');
  let nomadJobs: PrenvJob[] = [];
  try {
    nomadJobs = (await listOwnedJobs(src.nomad, { project: src.project })).map((j) => ({
      id: j.ID,
      meta: {
        prenv_project: j.Meta?.[OWNER_META.project] ?? '',
        prenv_env: j.Meta?.[OWNER_META.env] ?? '',
        ...(j.Meta?.[OWNER_META.pr] !== undefined ? { prenv_pr: j.Meta[OWNER_META.pr] } : {}),
        ...(j.Meta?.[OWNER_META.sha] !== undefined ? { prenv_sha: j.Meta[OWNER_META.sha] } : {}),
      },
    }));
  } catch (err) {
    warnings.push(`Nomad jobs not checked: ${(err as Error).message}`);
  }

  const labelled: LabelledServer[] = servers.map((s) => ({
    name: s.name,
    labels: {
      project: s.labels.project ?? '',
      environment: s.labels.environment ?? '',
      pr: s.labels.pr ?? '',
    },
  }));
  const terraformStates: number[] = [];
  for (const pr of candidates(world, labelled, nomadJobs, src.project)) {
    step(`checking the Terraform state of pr-${pr}`);
    try {
      if (await src.hasTerraformState(pr)) terraformStates.push(pr);
    } catch (err) {
      warnings.push(`Terraform state of pr-${pr} not checked: ${(err as Error).message}`);
    }
  }
  let consulAcls: number[] | undefined;
  if (src.consulAcl) {
    step('listing preview Consul ACL policies');
    try {
      consulAcls = (await src.consulAcl.listPolicies()).flatMap((p) => {
        const pr = previewAclPolicyPr(src.project, p.name);
        return pr === null ? [] : [pr];
      });
    } catch (err) {
      warnings.push(`Consul ACL policies not checked: ${(err as Error).message}`);
    }
  }
  let caddyRoutes: string[] | undefined;
  if (src.caddy) {
    step('listing prenv’s Caddy routes');
    try {
      caddyRoutes = (await src.caddy.listPrenvRoutes()).map((r) => r.env);
    } catch (err) {
      warnings.push(`Caddy routes not checked: ${(err as Error).message}`);
    }
  }
  return {
    input: {
      openPulls,
      world,
      servers: labelled,
      nomadJobs,
      terraformStates,
      ...(consulAcls ? { consulAcls } : {}),
      ...(caddyRoutes ? { caddyRoutes } : {}),
    },
    servers,
    warnings,
  };
}

/** PRs that some preview infrastructure names but that have no env holding it. */
function candidates(
  world: World,
  servers: LabelledServer[],
  jobs: PrenvJob[],
  project: string,
): number[] {
  const prs = new Set<number>();
  for (const s of servers) {
    const pr = parsePrNumber(s.labels.pr);
    if (s.labels.project === project && s.labels.environment === 'pr' && pr !== null) prs.add(pr);
  }
  for (const j of jobs) {
    const pr = parsePrNumber(j.meta.prenv_pr);
    if (j.meta.prenv_project === project && pr !== null) prs.add(pr);
  }
  return [...prs]
    .filter((pr) => {
      const env = world.envs[pr];
      return !env || env.phase === 'absent';
    })
    .sort((a, b) => a - b);
}
