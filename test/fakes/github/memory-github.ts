import type {
  DeploymentState,
  GitHubPort,
  OpenPullRequest,
  PullRequestDetails,
  ReactionContent,
  RepoPermission,
} from '../../../bot/adapters/github/github-port.js';
import type { CommitCheck } from '../../../bot/core/commit-checks.js';

export interface CommentRecord {
  id: number;
  pr: number;
  body: string;
  /** Login of the comment's author: the bot's own, or a user's (`userComment`). */
  author: string;
  /** Every body the comment had, oldest first (edits in place append here). */
  history: string[];
}

/**
 * An in-memory GitHub that remembers what the bot did, so scenarios can assert on comments,
 * reactions and deployments. With `mirror`, every call is also made through the real adapter
 * (against Prism), so each request is checked against GitHub's OpenAPI description.
 */
export class MemoryGitHub implements GitHubPort {
  readonly comments: CommentRecord[] = [];
  readonly reactions: { commentId: number; content: ReactionContent }[] = [];
  readonly deployments: {
    id: number;
    ref: string;
    environment: string;
    statuses: DeploymentState[];
    url?: string;
    /** Each status's `log_url`, in order (null where a status had none). */
    logUrls: (string | null)[];
  }[] = [];
  readonly pulls = new Map<number, PullRequestDetails>();
  readonly permissions = new Map<string, RepoPermission>();
  /** Check runs and statuses by commit SHA, as `setChecks` left them. */
  readonly checks = new Map<string, CommitCheck[]>();
  private nextId = 1000;

  /** The bot's own login: the author of every comment it writes. */
  constructor(
    private readonly mirror?: GitHubPort,
    readonly login = 'prenv[bot]',
  ) {}

  /** A comment written by someone else (it may well carry our marker). */
  userComment(pr: number, body: string, author: string): CommentRecord {
    const record = { id: this.nextId++, pr, body, author, history: [body] };
    this.comments.push(record);
    return record;
  }

  async permissionOf(username: string): Promise<RepoPermission> {
    await this.mirror?.permissionOf(username);
    return this.permissions.get(username) ?? 'read';
  }

  async react(commentId: number, content: ReactionContent): Promise<void> {
    await this.mirror?.react(commentId, content);
    this.reactions.push({ commentId, content });
  }

  async upsertStickyComment(pr: number, marker: string, body: string): Promise<number> {
    await this.mirror?.upsertStickyComment(pr, marker, body);
    const text = body.includes(marker) ? body : `${marker}\n${body}`;
    const existing = this.comments.find(
      (c) => c.pr === pr && c.author === this.login && c.body.includes(marker),
    );
    if (existing) {
      if (existing.body !== text) {
        existing.body = text;
        existing.history.push(text);
      }
      return existing.id;
    }
    const record = { id: this.nextId++, pr, body: text, author: this.login, history: [text] };
    this.comments.push(record);
    return record.id;
  }

  async reply(pr: number, body: string): Promise<void> {
    await this.mirror?.reply(pr, body);
    this.comments.push({ id: this.nextId++, pr, body, author: this.login, history: [body] });
  }

  async createDeployment(input: {
    ref: string;
    environment: string;
    description: string;
  }): Promise<number> {
    await this.mirror?.createDeployment(input);
    const id = this.nextId++;
    this.deployments.push({
      id,
      ref: input.ref,
      environment: input.environment,
      statuses: [],
      logUrls: [],
    });
    return id;
  }

  async setDeploymentStatus(input: {
    deploymentId: number;
    state: DeploymentState;
    environmentUrl?: string;
    logUrl?: string;
    description: string;
  }): Promise<void> {
    await this.mirror?.setDeploymentStatus({ ...input, deploymentId: 1 });
    const d = this.deployments.find((x) => x.id === input.deploymentId);
    if (!d) throw new Error(`no deployment ${input.deploymentId}`);
    d.statuses.push(input.state);
    d.logUrls.push(input.logUrl ?? null);
    if (input.environmentUrl) d.url = input.environmentUrl;
  }

  async deactivateDeployments(environment: string): Promise<void> {
    await this.mirror?.deactivateDeployments(environment);
    for (const d of this.deployments)
      if (d.environment === environment) {
        d.statuses.push('inactive');
        d.logUrls.push(null);
      }
  }

  async unfinishedDeployments(environment: string): Promise<number[]> {
    await this.mirror?.unfinishedDeployments(environment);
    return this.deployments
      .filter((d) => d.environment === environment)
      .filter((d) => ['queued', 'pending', 'in_progress'].includes(d.statuses.at(-1) ?? ''))
      .map((d) => d.id);
  }

  async listOpenPullRequests(): Promise<OpenPullRequest[]> {
    await this.mirror?.listOpenPullRequests();
    return [...this.pulls.values()].filter((p) => p.state === 'open');
  }

  async getPullRequest(pr: number): Promise<PullRequestDetails | undefined> {
    await this.mirror?.getPullRequest(pr);
    return this.pulls.get(pr);
  }

  /** CI reports on commit `sha`: a check of the same name replaces the older one. */
  setChecks(sha: string, ...checks: CommitCheck[]): void {
    const kept = (this.checks.get(sha) ?? []).filter((c) => !checks.some((n) => n.name === c.name));
    this.checks.set(sha, [...kept, ...checks]);
  }

  async commitChecks(sha: string): Promise<CommitCheck[]> {
    await this.mirror?.commitChecks(sha);
    return (this.checks.get(sha) ?? []).map((c) => ({ ...c }));
  }

  sticky(pr: number): CommentRecord | undefined {
    return this.comments.find(
      (c) =>
        c.pr === pr &&
        c.author === this.login &&
        c.body.startsWith(`<!-- prenv:sticky pr-${pr} -->`),
    );
  }
}
