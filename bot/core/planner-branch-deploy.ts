import type {
  ChecksReportedEvent,
  DeploymentState,
  EnvironmentRunFinishedEvent,
} from './actions.js';
import type { BranchPushedEvent, ChecksChangedEvent } from './events.js';
import { formatDuration } from './format.js';
import type { ClusterDeploy, ClusterEnvironment } from './model.js';
import { CLUSTER_ENVIRONMENTS, shortSha } from './model.js';
import type { DeployOnPush, Draft } from './plan-context.js';

/**
 * Production and staging deploys on push, one transition file for all their events. A push to
 * an environment's branch makes its commit `next`; the executor reads the commit's checks
 * (`check_commit`, again on `checks_changed` and on ticks) and a deploy starts only when they
 * pass, so an image CI has not built yet is never deployed. One deploy runs per environment; a
 * newer push replaces `next` (the superseded commit is never deployed), never the run in flight.
 * A commit is reported as a GitHub Deployment of its environment once nothing runs before it.
 * These deploys take no PR slot and are not retried: the next push or `prenv deploy` is.
 */

/** `branch_pushed`: a commit for production or staging, or nothing for any other branch. */
export function onBranchPushed(d: Draft, event: BranchPushedEvent): void {
  const config = d.ctx.deployOnPush;
  const environment = config && environmentOf(config, event);
  if (!config || !environment) return;
  const deploy = deployOf(d, environment);
  const { sha } = event;
  // A redelivered push, or one of the commit that runs or waits already.
  if (deploy.next?.sha === sha || deploy.run?.sha === sha) return;
  if (!deploy.run && deploy.deployedSha === sha) {
    // Back to the commit that is live: what waited is superseded (reporting the live commit
    // again retires the waiting commit's deployment; `inactive` would retire every one).
    if (deploy.next) mark(d, deploy, sha, 'success', `${deploy.environment} runs ${short(sha)}`);
    deploy.next = null;
    return;
  }
  deploy.next = {
    sha,
    branch: event.branch,
    pushedAt: d.ctx.now,
    checks: 'pending',
    detail: null,
    checkedAt: null,
  };
  if (!deploy.run) mark(d, deploy, sha, 'queued', `waiting for the checks of ${short(sha)}`);
  askChecks(d, deploy, config);
}

/** `checks_changed`: the checks of a commit moved; a commit waiting for them reads them again. */
export function onChecksChanged(d: Draft, event: ChecksChangedEvent): void {
  const config = d.ctx.deployOnPush;
  if (!config) return;
  for (const deploy of deploys(d)) {
    if (deploy.next?.sha === event.sha && deploy.next.checks === 'pending')
      askChecks(d, deploy, config);
  }
}

/** `checks_reported`: what the checks of the waiting commit say; success or failure settles it. */
export function onChecksReported(d: Draft, event: ChecksReportedEvent): void {
  const deploy = d.world.deploys?.[event.environment];
  const next = deploy?.next;
  if (!deploy || !next || next.sha !== event.sha || next.checks !== 'pending') return;
  next.detail = event.detail;
  if (event.verdict === 'pending') return;
  next.checks = event.verdict;
  advance(d, deploy);
}

/** `environment_run_finished`: the deploy in flight ended; the next commit may start. */
export function onEnvironmentRunFinished(d: Draft, event: EnvironmentRunFinishedEvent): void {
  const deploy = d.world.deploys?.[event.environment];
  const run = deploy?.run;
  if (!deploy || !run || run.id !== event.runId) return;
  deploy.run = null;
  if (event.outcome === 'succeeded') {
    deploy.deployedSha = run.sha;
    deploy.lastError = null;
    mark(d, deploy, run.sha, 'success', `${deploy.environment} runs ${short(run.sha)}`, run.id);
  } else {
    const error = event.error?.trim() || 'the deploy was interrupted';
    deploy.lastError = error;
    mark(d, deploy, run.sha, 'failure', `${deploy.environment}: ${error}`, run.id);
  }
  const { next } = deploy;
  if (next?.checks === 'pending')
    mark(d, deploy, next.sha, 'queued', `waiting for the checks of ${short(next.sha)}`);
  advance(d, deploy);
}

/** Time passed: checks that waited too long fail the commit; pending ones are read again. */
export function onClusterDeployTick(d: Draft): void {
  const config = d.ctx.deployOnPush;
  if (!config) return;
  const { now } = d.ctx;
  for (const deploy of deploys(d)) {
    const next = deploy.next;
    if (next?.checks !== 'pending') continue;
    if (now - next.pushedAt >= config.checksTimeoutMs) {
      next.checks = 'failure';
      const waited = formatDuration(config.checksTimeoutMs);
      next.detail = `checks did not pass within ${waited} (${next.detail ?? 'none reported'})`;
      advance(d, deploy);
    } else if (next.checkedAt === null || now - next.checkedAt >= config.checkEveryMs) {
      askChecks(d, deploy, config);
    }
  }
}

/** The environment a push deploys: production's branch first (it may be the default branch). */
function environmentOf(config: DeployOnPush, event: BranchPushedEvent): ClusterEnvironment | null {
  const production = config.production === null ? event.defaultBranch : config.production;
  if (production !== false && event.branch === production) return 'production';
  if (config.staging !== false && event.branch === config.staging) return 'staging';
  return null;
}

/** Starts the waiting commit when nothing runs and its checks passed; reports failed checks. */
function advance(d: Draft, deploy: ClusterDeploy): void {
  const next = deploy.next;
  if (deploy.run || !next || next.checks === 'pending') return;
  deploy.next = null;
  if (next.checks === 'failure') {
    deploy.lastError = `checks of ${short(next.sha)}: ${next.detail ?? 'failed'}`;
    mark(d, deploy, next.sha, 'failure', `not deployed: ${next.detail ?? 'checks failed'}`);
    return;
  }
  const runId = `${deploy.environment}/deploy/${++d.world.seq}`;
  deploy.run = { id: runId, sha: next.sha, startedAt: d.ctx.now };
  d.actions.push({
    kind: 'deploy_environment',
    environment: deploy.environment,
    runId,
    sha: next.sha,
  });
  mark(d, deploy, next.sha, 'in_progress', `deploying ${short(next.sha)}`, runId);
}

function askChecks(d: Draft, deploy: ClusterDeploy, config: DeployOnPush): void {
  const next = deploy.next!;
  next.checkedAt = d.ctx.now;
  d.actions.push({
    kind: 'check_commit',
    environment: deploy.environment,
    sha: next.sha,
    required: config.checks,
  });
}

function mark(
  d: Draft,
  deploy: ClusterDeploy,
  sha: string,
  state: DeploymentState,
  description: string,
  runId?: string,
): void {
  d.actions.push({
    kind: 'mark_deployment',
    pr: null,
    environment: deploy.environment,
    sha,
    state,
    url: state === 'success' ? (d.ctx.deployOnPush?.url(deploy.environment) ?? null) : null,
    description,
    ...(runId ? { runId } : {}),
  });
}

function deployOf(d: Draft, environment: ClusterEnvironment): ClusterDeploy {
  d.world.deploys ??= {};
  return (d.world.deploys[environment] ??= {
    environment,
    next: null,
    run: null,
    deployedSha: null,
    lastError: null,
  });
}

function deploys(d: Draft): ClusterDeploy[] {
  return CLUSTER_ENVIRONMENTS.flatMap((e) => d.world.deploys?.[e] ?? []);
}

function short(sha: string): string {
  return shortSha(sha)!;
}
