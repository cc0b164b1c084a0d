import type { Action, ChecksReportedEvent, EnvironmentRunFinishedEvent } from '../core/actions.js';
import { checksVerdict } from '../core/commit-checks.js';
import type { Logger } from '../core/logger.js';
import type { MetricsRecorder } from '../core/metrics.js';
import type { ClusterEnvironment } from '../core/model.js';
import { redact } from '../core/redact.js';
import type { GitHubPort } from '../adapters/github/github-port.js';
import type { ClusterRun } from './cluster-ops.js';
import type { RunObserver } from './run-executor.js';

/**
 * Deploys production or staging at a commit: the production pipeline `prenv deploy production`
 * runs (see `clusterOps`). Throws when the deploy failed; resolves with the public URL.
 */
export interface ClusterDeployer {
  deploy(environment: ClusterEnvironment, sha: string, run: ClusterRun): Promise<{ url: string }>;
}

export interface ClusterDeployExecutorOptions {
  /** Null: the bot cannot deploy production or staging (each deploy fails saying so). */
  deployer: ClusterDeployer | null;
  github: GitHubPort;
  logger: Logger;
  secrets: string[];
  /** Called once per `check_commit` read and once per deploy when it ends. */
  onEvent: (event: ChecksReportedEvent | EnvironmentRunFinishedEvent) => void;
  /** Times each deploy as run kind `deploy_production` or `deploy_staging`. */
  metrics?: MetricsRecorder;
  /** Sees each deploy start, its step and note lines and its end, as PR runs are seen. */
  observer?: RunObserver;
}

/**
 * Carries out the planner's `check_commit` and `deploy_environment` actions. The planner starts
 * at most one deploy per environment; a check that cannot be read is logged and asked again on
 * the next tick (no event: the commit keeps waiting, up to its checks timeout).
 */
export class ClusterDeployExecutor {
  private readonly controllers = new Map<string, AbortController>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: ClusterDeployExecutorOptions) {}

  submit(actions: readonly Action[]): void {
    for (const action of actions) {
      if (action.kind === 'check_commit') this.track(this.check(action));
      else if (action.kind === 'deploy_environment') this.track(this.deploy(action));
    }
  }

  get busy(): boolean {
    return this.inFlight.size > 0;
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Aborts the deploys in flight at their next safe point and waits for them. */
  async stop(): Promise<void> {
    for (const controller of this.controllers.values()) controller.abort();
    await this.idle();
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async check(action: Extract<Action, { kind: 'check_commit' }>): Promise<void> {
    const { environment, sha, required } = action;
    try {
      const verdict = checksVerdict(await this.options.github.commitChecks(sha), required);
      this.options.onEvent({ kind: 'checks_reported', environment, sha, ...verdict });
    } catch (err) {
      this.options.logger.warn('could not read the checks of a commit; asking again later', {
        environment,
        sha,
        error: redact((err as Error).message ?? String(err), this.options.secrets),
      });
    }
  }

  private async deploy(action: Extract<Action, { kind: 'deploy_environment' }>): Promise<void> {
    const { environment, runId, sha } = action;
    const log = this.options.logger.child({ environment, run: runId, sha: sha.slice(0, 7) });
    const controller = new AbortController();
    this.controllers.set(runId, controller);
    const { observer } = this.options;
    observer?.started(action);
    const startedAt = performance.now();
    const finished = (outcome: EnvironmentRunFinishedEvent['outcome'], error?: string) => {
      this.options.metrics?.run(`deploy_${environment}`, outcome, performance.now() - startedAt);
      observer?.finished(runId, outcome, error);
      this.options.onEvent({
        kind: 'environment_run_finished',
        environment,
        runId,
        outcome,
        ...(error ? { error } : {}),
      });
    };
    try {
      const { deployer } = this.options;
      if (!deployer) throw new Error(`this bot is not set up to deploy ${environment}`);
      log.info('deploy on push started');
      const result = await deployer.deploy(environment, sha, {
        signal: controller.signal,
        step: (name) => {
          log.info('step', { step: name });
          observer?.line(runId, name);
        },
        note: (text) => {
          log.info(redact(text, this.options.secrets));
          observer?.line(runId, text, 'note');
        },
      });
      log.info('deploy on push finished', { url: result.url });
      finished('succeeded');
    } catch (err) {
      const error = redact((err as Error).message ?? String(err), this.options.secrets);
      const cancelled = controller.signal.aborted;
      log[cancelled ? 'warn' : 'error']('deploy on push failed', { error, cancelled });
      finished(cancelled ? 'cancelled' : 'failed', error);
    } finally {
      this.controllers.delete(runId);
    }
  }
}
