import type { Octokit } from '@octokit/rest';
import type {
  DeploymentState,
  GitHubPort,
  OpenPullRequest,
  PullRequestDetails,
  ReactionContent,
  RepoPermission,
} from './github-port.js';
import type { CommitCheck } from '../../core/commit-checks.js';
import { toGitHubError } from './github-error.js';

export interface RepoRef {
  owner: string;
  repo: string;
}

const PAGE = 100;
const MAX_PAGES = 50;

/** Follows page numbers rather than Link headers, so the base URL is the only host ever called. */
async function allPages<T>(fetchPage: (page: number) => Promise<{ data: T[] }>): Promise<T[]> {
  const all: T[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { data } = await fetchPage(page);
    all.push(...data);
    if (data.length < PAGE) break;
  }
  return all;
}

interface PullPayload {
  number: number;
  updated_at: string;
  title: string;
  draft?: boolean;
  user: { login: string } | null;
  head: { sha: string; ref: string; repo: { full_name: string } | null };
  base: { repo: { full_name: string } };
}

function toOpenPullRequest(p: PullPayload): OpenPullRequest {
  return {
    number: p.number,
    headSha: p.head.sha,
    headRef: p.head.ref,
    title: p.title,
    draft: p.draft ?? false,
    fork: p.head.repo?.full_name !== p.base.repo.full_name,
    author: p.user?.login ?? 'unknown',
    updatedAt: p.updated_at,
  };
}

const PERMISSIONS: readonly RepoPermission[] = [
  'admin',
  'maintain',
  'write',
  'triage',
  'read',
  'none',
];

/** GitHubPort over Octokit; every library error becomes a GitHubError. */
export class OctokitGitHub implements GitHubPort {
  private ownLogin: Promise<string> | null = null;

  private readonly client: () => Promise<Octokit>;

  /**
   * `octokit`, or a function making it on the first call (the bot idles without Octokit's
   * modules loaded; when it throws, that call fails and the next one tries again). `authMode`
   * says how to learn the bot's own login: the App's slug, or the token's user.
   */
  constructor(
    octokit: Octokit | (() => Promise<Octokit>),
    private readonly repo: RepoRef,
    private readonly secrets: string[] = [],
    private readonly authMode: 'app' | 'token' = 'token',
  ) {
    if (typeof octokit !== 'function') {
      const ready = Promise.resolve(octokit);
      this.client = () => ready;
      return;
    }
    let made: Promise<Octokit> | null = null;
    this.client = () =>
      (made ??= octokit().catch((err: unknown) => {
        made = null;
        throw err;
      }));
  }

  /**
   * The login our comments are written by, asked once: `<slug>[bot]` for a GitHub App (`GET
   * /app`, authenticated with the App's JWT by @octokit/auth-app), the user's login for a token
   * (`GET /user`). A failed lookup is asked again next time.
   */
  private login(): Promise<string> {
    this.ownLogin ??= (async () => {
      const { rest } = await this.client();
      if (this.authMode === 'app') {
        const { data } = await rest.apps.getAuthenticated();
        if (!data?.slug) throw new Error('GitHub did not say which App this is (GET /app)');
        return `${data.slug}[bot]`;
      }
      const { data } = await rest.users.getAuthenticated();
      return data.login;
    })().catch((err: unknown) => {
      this.ownLogin = null;
      throw err;
    });
    return this.ownLogin;
  }

  private async call<T>(operation: string, fn: (rest: Octokit['rest']) => Promise<T>): Promise<T> {
    try {
      return await fn((await this.client()).rest);
    } catch (err) {
      throw toGitHubError(err, operation, this.secrets);
    }
  }

  async permissionOf(username: string): Promise<RepoPermission> {
    return this.call('permission lookup', async (rest) => {
      try {
        const { data } = await rest.repos.getCollaboratorPermissionLevel({
          ...this.repo,
          username,
        });
        const fromRole = PERMISSIONS.find((p) => p === data.user?.role_name);
        return fromRole ?? PERMISSIONS.find((p) => p === data.permission) ?? 'none';
      } catch (err) {
        if ((err as { status?: number }).status === 404) return 'none';
        throw err;
      }
    });
  }

  async react(commentId: number, content: ReactionContent): Promise<void> {
    await this.call('reaction', (rest) =>
      rest.reactions.createForIssueComment({
        ...this.repo,
        comment_id: commentId,
        content,
      }),
    );
  }

  async upsertStickyComment(pr: number, marker: string, body: string): Promise<number> {
    const text = body.includes(marker) ? body : `${marker}\n${body}`;
    return this.call('sticky comment', async (rest) => {
      const self = (await this.login()).toLowerCase();
      const comments = await allPages((page) =>
        rest.issues.listComments({
          ...this.repo,
          issue_number: pr,
          per_page: PAGE,
          page,
        }),
      );
      // Ours only: anyone can paste the marker into a comment of their own.
      const existing = comments.find(
        (c) => c.user?.login.toLowerCase() === self && c.body?.includes(marker),
      );
      if (existing) {
        if (existing.body !== text) {
          await rest.issues.updateComment({
            ...this.repo,
            comment_id: existing.id,
            body: text,
          });
        }
        return existing.id;
      }
      const { data } = await rest.issues.createComment({
        ...this.repo,
        issue_number: pr,
        body: text,
      });
      return data.id;
    });
  }

  async reply(pr: number, body: string): Promise<void> {
    await this.call('reply', (rest) =>
      rest.issues.createComment({ ...this.repo, issue_number: pr, body }),
    );
  }

  async createDeployment(input: {
    ref: string;
    environment: string;
    description: string;
    payload?: Record<string, unknown>;
  }): Promise<number> {
    return this.call('deployment', async (rest) => {
      const { data } = await rest.repos.createDeployment({
        ...this.repo,
        ref: input.ref,
        environment: input.environment,
        description: input.description,
        ...(input.payload ? { payload: input.payload } : {}),
        auto_merge: false,
        required_contexts: [],
        transient_environment: input.environment.startsWith('pr-'),
        production_environment: input.environment === 'production',
      });
      if (!('id' in data)) throw new Error(data.message ?? 'GitHub did not create the deployment');
      return data.id;
    });
  }

  async setDeploymentStatus(input: {
    deploymentId: number;
    state: DeploymentState;
    environmentUrl?: string;
    /** The page with the run's output (GitHub's `log_url`, shown as "View logs"). */
    logUrl?: string;
    description: string;
  }): Promise<void> {
    await this.call('deployment status', (rest) =>
      rest.repos.createDeploymentStatus({
        ...this.repo,
        deployment_id: input.deploymentId,
        state: input.state,
        description: input.description.slice(0, 140),
        ...(input.environmentUrl ? { environment_url: input.environmentUrl } : {}),
        ...(input.logUrl ? { log_url: input.logUrl } : {}),
        auto_inactive: true,
      }),
    );
  }

  async deactivateDeployments(environment: string): Promise<void> {
    await this.call('deployment deactivation', async (rest) => {
      const deployments = await allPages((page) =>
        rest.repos.listDeployments({
          ...this.repo,
          environment,
          per_page: PAGE,
          page,
        }),
      );
      for (const d of deployments) {
        await rest.repos.createDeploymentStatus({
          ...this.repo,
          deployment_id: d.id,
          state: 'inactive',
          description: 'environment destroyed',
        });
      }
    });
  }

  async unfinishedDeployments(environment: string): Promise<number[]> {
    return this.call('deployment list', async (rest) => {
      const deployments = await allPages((page) =>
        rest.repos.listDeployments({
          ...this.repo,
          environment,
          per_page: PAGE,
          page,
        }),
      );
      const unfinished: number[] = [];
      for (const d of deployments) {
        // Statuses come newest first (GitHub REST "List deployment statuses").
        const { data } = await rest.repos.listDeploymentStatuses({
          ...this.repo,
          deployment_id: d.id,
          per_page: 1,
        });
        const state = data[0]?.state;
        if (state === 'queued' || state === 'pending' || state === 'in_progress')
          unfinished.push(d.id);
      }
      return unfinished;
    });
  }

  async getPullRequest(pr: number): Promise<PullRequestDetails | undefined> {
    return this.call('pull request', async (rest) => {
      try {
        const { data: p } = await rest.pulls.get({ ...this.repo, pull_number: pr });
        return {
          ...toOpenPullRequest(p),
          baseRef: p.base.ref,
          state: p.state === 'open' ? 'open' : 'closed',
          merged: p.merged,
        };
      } catch (err) {
        if ((err as { status?: number }).status === 404) return undefined;
        throw err;
      }
    });
  }

  async listOpenPullRequests(): Promise<OpenPullRequest[]> {
    return this.call('pull request list', async (rest) => {
      const pulls = await allPages((page) =>
        rest.pulls.list({ ...this.repo, state: 'open', per_page: PAGE, page }),
      );
      return pulls.map(toOpenPullRequest);
    });
  }

  /**
   * `GET /repos/{owner}/{repo}/commits/{ref}/check-runs` (the latest run of each name; paged by
   * `total_count`) and `GET …/commits/{ref}/status` (the newest status of each context). A check
   * run passes when it completed with `success`, `neutral` or `skipped`, as GitHub's branch
   * protection counts it; a status with `success`; `pending` waits; anything else failed.
   */
  async commitChecks(sha: string): Promise<CommitCheck[]> {
    return this.call('commit checks', async (rest) => {
      const checks: CommitCheck[] = [];
      for (let page = 1; page <= MAX_PAGES; page++) {
        const { data } = await rest.checks.listForRef({
          ...this.repo,
          ref: sha,
          filter: 'latest',
          per_page: PAGE,
          page,
        });
        for (const run of data.check_runs) checks.push({ name: run.name, state: runState(run) });
        if (page * PAGE >= data.total_count || data.check_runs.length < PAGE) break;
      }
      const { data: combined } = await rest.repos.getCombinedStatusForRef({
        ...this.repo,
        ref: sha,
        per_page: PAGE,
      });
      for (const status of combined.statuses) {
        const state =
          status.state === 'success' || status.state === 'pending' ? status.state : 'failure';
        checks.push({ name: status.context, state });
      }
      return checks;
    });
  }
}

const PASSING_CONCLUSIONS = new Set(['success', 'neutral', 'skipped']);

function runState(run: { status: string; conclusion: string | null }): CommitCheck['state'] {
  if (run.status !== 'completed') return 'pending';
  return PASSING_CONCLUSIONS.has(run.conclusion ?? '') ? 'success' : 'failure';
}
