import { redact } from '../../core/redact.js';

export type GitHubFailureKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'invalid'
  | 'rate_limited'
  | 'unreachable'
  | 'server';

/** A GitHub API failure translated at the edge: what failed, and what to do about it. */
export class GitHubError extends Error {
  constructor(
    readonly kind: GitHubFailureKind,
    readonly operation: string,
    message: string,
    readonly status?: number,
  ) {
    super(`GitHub ${operation} failed: ${message}`);
    this.name = 'GitHubError';
  }
}

const HINTS: Record<GitHubFailureKind, string> = {
  unauthorized: 'check PRENV_APP_ID and PRENV_PRIVATE_KEY (or PRENV_GITHUB_TOKEN)',
  forbidden:
    'the app or token lacks a permission (needs pull requests, issues and deployments: write)',
  not_found:
    'the repository, pull request or comment does not exist, or the app is not installed on it',
  invalid: 'GitHub rejected the request',
  rate_limited: 'rate limited by GitHub; prenv retries later',
  unreachable: 'GitHub could not be reached',
  server: 'GitHub answered with a server error',
};

export function toGitHubError(
  err: unknown,
  operation: string,
  secrets: string[] = [],
): GitHubError {
  if (err instanceof GitHubError) return err;
  const e = err as {
    status?: number;
    message?: string;
    response?: { headers?: Record<string, string> };
  };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const remaining = e.response?.headers?.['x-ratelimit-remaining'];
  let kind: GitHubFailureKind;
  if (status === undefined || status === 0 || (status === 500 && !e.response)) kind = 'unreachable';
  else if (status === 401) kind = 'unauthorized';
  else if (status === 403 || status === 429)
    kind = remaining === '0' || status === 429 ? 'rate_limited' : 'forbidden';
  else if (status === 404) kind = 'not_found';
  else if (status === 422 || status === 400) kind = 'invalid';
  else kind = 'server';
  const detail = redact(String(e.message ?? err).split('\n')[0] ?? '', secrets);
  return new GitHubError(kind, operation, `${detail} (${HINTS[kind]})`, status);
}
