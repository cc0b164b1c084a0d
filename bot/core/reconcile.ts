import type { Action, PlanEvent, TickEvent } from './actions.js';
import { formatDuration } from './format.js';
import type { EnvRecord, PullRequestRef, World } from './model.js';
import { envName, shortSha } from './model.js';
import type { PlanContext } from './plan-context.js';
import { plan } from './planner.js';
import type { DestroyOrphanStep, LabelledServer, PrenvJob } from './reconcile-orphans.js';
import { findOrphans } from './reconcile-orphans.js';
import { assertCapHeld } from './slots.js';

export type {
  DestroyOrphanStep,
  LabelledServer,
  OrphanPart,
  PrenvJob,
} from './reconcile-orphans.js';

/** Desired state (GitHub) and actual state (our world and the infrastructure), read by adapters. */
export interface ReconcileInput {
  /** Every open PR of the repository, drafts and forks included. */
  openPulls: PullRequestRef[];
  world: World;
  servers: LabelledServer[];
  nomadJobs: PrenvJob[];
  /** PRs whose Terraform state still holds resources. */
  terraformStates: number[];
  /** PRs with a preview Consul ACL policy; undefined when Consul's ACLs could not be read. */
  consulAcls?: number[];
  /** Envs (`pr-N`) with a route in Caddy; undefined when Caddy could not be read. */
  caddyRoutes?: string[];
  now: number;
}

export interface ReconcileContext {
  project: string;
  /** A run in flight longer than this is taken as lost (the executor crashed or never reported). */
  stuckAfterMs: number;
}

export type FindingKind =
  'orphan' | 'lost_close' | 'lost_draft' | 'stuck_run' | 'lost_route' | 'lost_push' | 'lost_open';

export interface Finding {
  kind: FindingKind;
  pr: number;
  env: string;
  reason: string;
  /** Fed to the planner in order: the planner decides runs, slots and the queue as usual. */
  events: PlanEvent[];
  /** Run by the executor outside the planner. */
  cleanup: DestroyOrphanStep[];
}

/**
 * Findings in the order they are repaired: orphans first, then what frees slots (closes, drafts,
 * stuck runs), then pushes and opens (which may take slots), each by PR number.
 *
 * Run `cleanups` to completion before feeding `events`: a PR can be orphaned and wanted again in
 * the same pass, and its leftovers must be gone before it provisions (same server name, same
 * Terraform state). Cleanups take no slot: the cap bounds the envs the planner starts, and an
 * orphan only shrinks. While one runs there may briefly be more preview servers than the cap;
 * `formatReconcilePlan` says so.
 */
export interface ReconcilePlan {
  at: number;
  findings: Finding[];
  cleanups: DestroyOrphanStep[];
  /** The findings' events in order, then one tick (idle TTL, due retries, queued PRs). */
  events: PlanEvent[];
}

const ORDER: readonly FindingKind[] = [
  'orphan',
  'lost_close',
  'lost_draft',
  'stuck_run',
  'lost_route',
  'lost_push',
  'lost_open',
];

const RUN_PHASES = new Set(['provisioning', 'deploying', 'redeploying', 'destroying']);

export function reconcile(input: ReconcileInput, ctx: ReconcileContext): ReconcilePlan {
  const open = new Map(input.openPulls.map((p) => [p.number, p]));
  const findings: Finding[] = findOrphans(input, ctx.project).map((step) => ({
    kind: 'orphan',
    pr: step.pr,
    env: envName(step.pr),
    reason: orphanReason(step),
    events: [],
    cleanup: [step],
  }));
  const replaced = new Set<number>();
  for (const env of sortedEnvs(input.world)) {
    const pull = open.get(env.pr);
    const finding = pull ? draftFinding(env, pull) : closeFinding(env);
    if (finding) {
      findings.push(finding);
      replaced.add(env.pr);
    }
  }
  for (const env of sortedEnvs(input.world)) {
    if (replaced.has(env.pr) && env.phase !== 'destroying') continue;
    const stuck = stuckFinding(env, input.now, ctx.stuckAfterMs);
    if (stuck) findings.push(stuck);
  }
  if (input.caddyRoutes) {
    const routed = new Set(input.caddyRoutes);
    for (const env of sortedEnvs(input.world)) {
      if (replaced.has(env.pr)) continue;
      const pull = open.get(env.pr);
      const finding = pull ? routeFinding(env, pull, routed) : null;
      if (finding) findings.push(finding);
    }
  }
  for (const pull of [...open.values()].sort((a, b) => a.number - b.number)) {
    const finding = openFinding(input.world.envs[pull.number], pull);
    if (finding) findings.push(finding);
  }
  findings.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind) || a.pr - b.pr);
  const tick: TickEvent = { kind: 'tick' };
  return {
    at: input.now,
    findings,
    cleanups: findings.flatMap((f) => f.cleanup),
    events: [...findings.flatMap((f) => f.events), tick],
  };
}

function sortedEnvs(world: World): EnvRecord[] {
  return Object.values(world.envs).sort((a, b) => a.pr - b.pr);
}

function finding(kind: FindingKind, pr: number, reason: string, events: PlanEvent[]): Finding {
  return { kind, pr, env: envName(pr), reason, events, cleanup: [] };
}

/** Only when we still believe the PR open: a known close is already being handled. */
function closeFinding(env: EnvRecord): Finding | null {
  if (env.phase === 'absent' || env.pull.state !== 'open') return null;
  const pull: PullRequestRef = { ...env.pull, state: 'closed' };
  return finding(
    'lost_close',
    env.pr,
    `PR #${env.pr} is no longer open on GitHub but its environment is ${env.phase} (lost "closed" webhook)`,
    [{ kind: 'pr_closed', pull }],
  );
}

function draftFinding(env: EnvRecord, pull: PullRequestRef): Finding | null {
  if (env.phase === 'absent' || !pull.draft || env.pull.draft) return null;
  return finding(
    'lost_draft',
    env.pr,
    `PR #${env.pr} is a draft on GitHub but its environment is ${env.phase} (lost "converted_to_draft" webhook)`,
    [{ kind: 'pr_drafted', pull }],
  );
}

function stuckFinding(env: EnvRecord, now: number, stuckAfterMs: number): Finding | null {
  const { run } = env;
  if (!run || !RUN_PHASES.has(env.phase)) return null;
  const elapsed = now - run.startedAt;
  if (elapsed < stuckAfterMs) return null;
  const error = `no result for the ${run.kind} run after ${formatDuration(elapsed)}; the reconciler marked it failed`;
  return finding(
    'stuck_run',
    env.pr,
    `the ${run.kind} run ${run.id} started ${formatDuration(elapsed)} ago and never reported back`,
    [{ kind: 'run_finished', pr: env.pr, runId: run.id, outcome: 'failed', error }],
  );
}

/**
 * A live env whose Caddy route is gone (Caddy restarted without `--resume`, or someone removed
 * it): redeployed at the SHA it runs, which puts the route back through the deploy pipeline.
 */
function routeFinding(env: EnvRecord, pull: PullRequestRef, routed: Set<string>): Finding | null {
  if (env.phase !== 'live' || routed.has(envName(env.pr)) || env.deployedSha === null) return null;
  if (pull.draft || env.manualOverride) return null;
  // Only an env at rest on its head: the redeploy must neither move nor approve a head.
  if (env.pull.headSha !== env.deployedSha || env.desiredSha !== env.deployedSha) return null;
  return finding(
    'lost_route',
    env.pr,
    `${envName(env.pr)} is live but Caddy has no route for it (Caddy lost its config)`,
    [
      {
        kind: 'command',
        commentId: null,
        writtenAt: null,
        actor: ROUTE_REPAIR_ACTOR,
        permission: 'admin',
        command: { kind: 'command', name: 'redeploy', line: 1 },
        pull: env.pull,
      },
    ],
  );
}

/**
 * Whether a route repair still applies to `world` (the pass feeds its events
 * a while after reading): the env is still live at rest on the same head.
 */
export function routeRepairStillDue(world: World, event: PlanEvent): boolean {
  if (event.kind !== 'command' || event.actor !== ROUTE_REPAIR_ACTOR) return true;
  const env = world.envs[event.pull.number];
  return (
    env?.phase === 'live' &&
    env.deployedSha === event.pull.headSha &&
    env.pull.headSha === env.deployedSha &&
    env.manualOverride === null
  );
}

const ROUTE_REPAIR_ACTOR = 'prenv reconcile';

/** A ready PR with no environment (lost open, reopen or ready_for_review), or a lost push. */
function openFinding(env: EnvRecord | undefined, pull: PullRequestRef): Finding | null {
  if (pull.draft) return null;
  const ready = !pull.fork && !env?.manualOverride;
  const missing = !env || env.phase === 'absent' || env.pull.state !== 'open' || env.pull.draft;
  if (ready && missing)
    return finding(
      'lost_open',
      pull.number,
      `PR #${pull.number} is open and ready for review but has no environment (lost "opened" webhook)`,
      [{ kind: 'pr_opened', pull }],
    );
  if (!env || env.pull.state !== 'open' || env.pull.draft) return null;
  const known = pull.fork ? env.pull.headSha : env.desiredSha;
  if (known === null || known === pull.headSha) return null;
  return finding(
    'lost_push',
    pull.number,
    `PR #${pull.number}'s head is ${shortSha(pull.headSha)} on GitHub but the environment knows ${shortSha(known)} (lost "synchronize" webhook)`,
    [{ kind: 'pr_updated', pull }],
  );
}

function orphanReason(step: DestroyOrphanStep): string {
  const parts = [
    ...step.servers.map((s) => `server ${s}`),
    ...step.nomadJobs.map((j) => `Nomad job ${j}`),
    ...(step.what.includes('terraform_state') ? ['a Terraform state'] : []),
    ...(step.what.includes('consul_acl') ? ['a Consul ACL policy and token'] : []),
  ];
  return `${parts.join(', ')} left for PR #${step.pr}, which has no environment`;
}

export interface ReconcileStep {
  event: PlanEvent;
  world: World;
  actions: Action[];
}

export interface AppliedReconcile {
  world: World;
  actions: Action[];
  steps: ReconcileStep[];
}

/**
 * Feeds the plan's events through the planner one by one: the world and every action the
 * executor would get, so `--dry-run` shows exactly what would happen. Cleanups are not run.
 * Throws `CapExceededError` if a step ever leaves more envs holding a slot than the cap (a bug).
 */
export function applyReconcile(
  world: World,
  reconcilePlan: ReconcilePlan,
  ctx: PlanContext,
): AppliedReconcile {
  let current = world;
  const steps: ReconcileStep[] = [];
  for (const event of reconcilePlan.events) {
    const result = plan(current, event, ctx);
    assertCapHeld(Object.values(result.world.envs), ctx.cap);
    current = result.world;
    steps.push({ event, world: current, actions: result.actions });
  }
  return { world: current, actions: steps.flatMap((s) => s.actions), steps };
}
