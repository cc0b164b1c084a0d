import type { CommentCommandEvent, DomainEvent } from './events.js';
import type { ClusterEnvironment, EnvRecord, PullRequestRef } from './model.js';

/** GitHub's repository permission of the commenter, looked up by an adapter. */
export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

/**
 * A comment command completed by the adapter with the PR and the commenter's permission. The
 * maintainer CLI sends the same event with `commentId: null` and `writtenAt: null`: there is no
 * comment to react to, and the command is given now, for the head it names.
 */
export interface CommandEvent extends Omit<
  CommentCommandEvent,
  'kind' | 'pr' | 'commentId' | 'writtenAt'
> {
  kind: 'command';
  commentId: number | null;
  /** When the comment was written (GitHub's clock); a fork approval covers the head at that time. */
  writtenAt: string | null;
  pull: PullRequestRef;
  permission: Permission;
}

/** What the executor reports back for a run it was given. */
export interface RunFinishedEvent {
  kind: 'run_finished';
  pr: number;
  runId: string;
  /** `at_capacity`: Hetzner said `resource_limit_exceeded` (the PR goes back to the queue). */
  outcome: 'succeeded' | 'failed' | 'at_capacity' | 'cancelled';
  error?: string;
}

/** What the executor read of a commit's checks, for the environment that asked (`check_commit`). */
export interface ChecksReportedEvent {
  kind: 'checks_reported';
  environment: ClusterEnvironment;
  sha: string;
  verdict: 'pending' | 'success' | 'failure';
  /** Which checks wait or failed, in a few words. */
  detail: string;
}

/** The executor finished a production or staging deploy it was given (`deploy_environment`). */
export interface EnvironmentRunFinishedEvent {
  kind: 'environment_run_finished';
  environment: ClusterEnvironment;
  runId: string;
  outcome: 'succeeded' | 'failed' | 'cancelled';
  error?: string;
}

/** Time passed: retries that are due, idle envs, capacity waits. */
export interface TickEvent {
  kind: 'tick';
}

export type PlanEvent =
  | Exclude<DomainEvent, CommentCommandEvent>
  | CommandEvent
  | RunFinishedEvent
  | ChecksReportedEvent
  | EnvironmentRunFinishedEvent
  | TickEvent;

export type Reaction = 'eyes' | '-1' | 'confused';

export type ReplyReason =
  | 'permission'
  | 'closed'
  | 'draft'
  | 'fork'
  | 'fork_never'
  | 'head_moved'
  | 'not_a_commit'
  | 'unknown_command'
  | 'help';

export type DeploymentState = 'queued' | 'in_progress' | 'success' | 'failure' | 'inactive';

/** What the sticky comment of a PR shows; rendered by `renderSticky`. */
export interface StickyView {
  env: EnvRecord;
  url: string;
  /** 1-based position and queue length while queued. */
  queue: { position: number; length: number } | null;
  waitingForCapacity: boolean;
}

export type RunAction =
  | { kind: 'provision'; pr: number; runId: string }
  | { kind: 'deploy'; pr: number; runId: string; sha: string }
  | { kind: 'redeploy'; pr: number; runId: string; sha: string }
  | { kind: 'destroy'; pr: number; runId: string };

export type Action =
  | RunAction
  | { kind: 'enqueue'; pr: number; position: number }
  | { kind: 'dequeue'; pr: number; reason: 'started' | 'removed' }
  /** Abort a superseded run; the executor stops it at the next safe point. */
  | { kind: 'cancel_run'; pr: number; runId: string }
  | { kind: 'report'; pr: number; view: StickyView }
  /** Read the checks of `sha` and answer with `checks_reported`; `required`: null means all. */
  | {
      kind: 'check_commit';
      pr?: never;
      environment: ClusterEnvironment;
      sha: string;
      required: string[] | null;
    }
  /** Deploy production or staging at `sha` (the cluster pipeline); answer `environment_run_finished`. */
  | {
      kind: 'deploy_environment';
      pr?: never;
      environment: ClusterEnvironment;
      runId: string;
      sha: string;
    }
  | { kind: 'react'; pr: number; commentId: number; reaction: Reaction }
  | { kind: 'reply'; pr: number; inReplyTo: number | null; reason: ReplyReason; body: string }
  | {
      kind: 'mark_deployment';
      /** The PR of env `pr-N`; null for production and staging. */
      pr: number | null;
      environment: string;
      sha: string | null;
      state: DeploymentState;
      url: string | null;
      /** The deployment status's description; default `<environment>: <state>`. */
      description?: string;
      /**
       * The run the status is about (its `log_url` links that run's page); absent when none is
       * (`queued`, `inactive`): the status links to the environment's runs.
       */
      runId?: string;
    };

export function isRunAction(action: Action): action is RunAction {
  return (
    action.kind === 'provision' ||
    action.kind === 'deploy' ||
    action.kind === 'redeploy' ||
    action.kind === 'destroy'
  );
}
