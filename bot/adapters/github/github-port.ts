import type { Permission } from '../../core/actions.js';
import type { CommitCheck } from '../../core/commit-checks.js';

/** GitHub's repository permission of a user; the core's own type, since the planner decides with it. */
export type RepoPermission = Permission;

export type ReactionContent =
  '+1' | '-1' | 'laugh' | 'confused' | 'heart' | 'hooray' | 'rocket' | 'eyes';

export type DeploymentState =
  'queued' | 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

export interface OpenPullRequest {
  number: number;
  headSha: string;
  headRef: string;
  title: string;
  draft: boolean;
  fork: boolean;
  author: string;
  /** GitHub's `updated_at` of the pull request (ISO 8601), when the source gives it. */
  updatedAt?: string;
}

export interface PullRequestDetails extends OpenPullRequest {
  baseRef: string;
  state: 'open' | 'closed';
  merged: boolean;
}

/** Everything prenv asks of GitHub, as a small interface that tests can fake. */
export interface GitHubPort {
  permissionOf(username: string): Promise<RepoPermission>;
  react(commentId: number, content: ReactionContent): Promise<void>;
  /**
   * Creates the one comment carrying `marker` written by the bot itself, or edits it in place;
   * comments by anyone else are never edited, marker or not. Returns its id.
   */
  upsertStickyComment(pr: number, marker: string, body: string): Promise<number>;
  reply(pr: number, body: string): Promise<void>;
  createDeployment(input: {
    ref: string;
    environment: string;
    description: string;
    /** JSON kept with the deployment (GitHub's `payload`), for whoever may read deployments. */
    payload?: Record<string, unknown>;
  }): Promise<number>;
  setDeploymentStatus(input: {
    deploymentId: number;
    state: DeploymentState;
    environmentUrl?: string;
    /** The page with the run's output (GitHub's `log_url`, shown as "View logs"). */
    logUrl?: string;
    description: string;
  }): Promise<void>;
  /** Marks every deployment of `environment` inactive (after a destroy). */
  deactivateDeployments(environment: string): Promise<void>;
  /** Ids of the deployments of `environment` whose newest status is `queued`, `pending` or `in_progress`. */
  unfinishedDeployments(environment: string): Promise<number[]>;
  listOpenPullRequests(): Promise<OpenPullRequest[]>;
  /** One pull request with its current head; undefined when it does not exist. */
  getPullRequest(pr: number): Promise<PullRequestDetails | undefined>;
  /** The check runs and commit statuses reported on commit `sha` (the newest of each name). */
  commitChecks(sha: string): Promise<CommitCheck[]>;
}
