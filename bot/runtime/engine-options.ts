import type { PlanEvent } from '../core/actions.js';
import type { RetryPolicy } from '../core/backoff.js';
import type { Logger } from '../core/logger.js';
import type { MetricsRecorder } from '../core/metrics.js';
import type { World } from '../core/model.js';
import type { PlanContext } from '../core/plan-context.js';
import type { GitHubPort } from '../adapters/github/github-port.js';
import type { StateStore } from '../adapters/store/state-store.js';
import type { ClusterDeployer } from './cluster-deploy-executor.js';
import type { EnvironmentOps } from './environment-ops.js';
import type { RunObserver } from './run-executor.js';

/** What the engine works with (see `Engine`). */

export interface EngineOptions {
  store: StateStore;
  github: GitHubPort;
  ops: EnvironmentOps;
  logger: Logger;
  /** The planner's context at a moment; `now` comes from here. */
  context: () => PlanContext;
  secrets?: string[];
  /** Coalescing window for deploys (see RunExecutor). */
  settleMs?: number;
  /** Observes every saved world (tests use it to check invariants at each instant). */
  onWorld?: (world: World, event: PlanEvent) => void;
  /** Least time between sticky-comment edits that only move a queue position (ms). */
  queueEditDebounceMs?: number;
  /** Attempts and backoff for a delivery whose processing throws; then it is dead-lettered. */
  deliveryRetry?: RetryPolicy;
  /** How often a run held by a received event asks again (ms). */
  holdRecheckMs?: number;
  /** How long reports of a PR whose close is already received wait to be replaced (ms). */
  stopDeferMs?: number;
  metrics?: MetricsRecorder;
  /** How a failed sticky-comment or deployment write is tried again (see `GitHubReporter`). */
  reportRetry?: RetryPolicy;
  /** Deploys production and staging on push; absent: those deploys fail saying so. */
  clusterDeployer?: ClusterDeployer;
  /** Sees every run's steps as they happen (see `RunExecutor`). */
  runObserver?: RunObserver;
  /**
   * Awaited before each queued delivery is planned: `IntakeLoad.yielded` keeps the engine from
   * taking the event loop from the webhook intake in a storm (absent: no pause).
   */
  yieldToIntake?: () => Promise<void>;
  /**
   * Where the sticky comment links an environment's runs, and a deployment status the run it is
   * about (`runId`, when it has one); see `GitHubReporter`.
   */
  logsUrl?: (environment: string, runId?: string) => string;
  /**
   * How long a PR run of a prenv command on another host counts as live (ms,
   * `PRENV_RUN_ABANDON_MS`; default `FOREIGN_RUN_BOUND_MS`), at start, on each tick and for each
   * PR event: see `sortRunsInFlight`, `heldByCommand`.
   */
  runAbandonMs?: number;
  /** What each new deployment of a PR carries as its `payload` (see `DeploymentWriter`). */
  deploymentPayload?: (pr: number) => Record<string, unknown>;
}
