import { Octokit } from '@octokit/rest';
import { createAppAuth } from '@octokit/auth-app';

export type GitHubAuth =
  | { mode: 'app'; appId: string; privateKey: string; installationId: number }
  | { mode: 'token'; token: string };

export interface OctokitOptions {
  auth: GitHubAuth;
  baseUrl?: string;
  fetch?: typeof fetch;
  userAgent?: string;
}

/** An Octokit for one installation (GitHub App) or one token; fetch is injected, nothing global is patched. */
export function createOctokit(options: OctokitOptions): Octokit {
  const common = {
    baseUrl: options.baseUrl ?? 'https://api.github.com',
    userAgent: options.userAgent ?? 'prenv',
    request: options.fetch ? { fetch: options.fetch } : {},
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  };
  const octokit =
    options.auth.mode === 'app'
      ? new Octokit({
          ...common,
          authStrategy: createAppAuth,
          auth: {
            appId: options.auth.appId,
            privateKey: options.auth.privateKey,
            installationId: options.auth.installationId,
          },
        })
      : new Octokit({ ...common, auth: options.auth.token });
  octokit.hook.before('request', (req) => {
    req.headers.accept = 'application/json';
  });
  return octokit;
}

/** Reads GitHub credentials from PRENV_* variables; token mode is for trying prenv out. */
export function githubAuthFromEnv(
  env: Record<string, string | undefined>,
  installationId?: number,
): GitHubAuth | { error: string } {
  if (env.PRENV_APP_ID && env.PRENV_PRIVATE_KEY) {
    const id = installationId ?? Number(env.PRENV_INSTALLATION_ID);
    if (!Number.isInteger(id) || id <= 0) {
      return { error: 'PRENV_INSTALLATION_ID is not set (and no webhook named the installation)' };
    }
    return {
      mode: 'app',
      appId: env.PRENV_APP_ID,
      privateKey: env.PRENV_PRIVATE_KEY.replace(/\\n/g, '\n'),
      installationId: id,
    };
  }
  if (env.PRENV_GITHUB_TOKEN) return { mode: 'token', token: env.PRENV_GITHUB_TOKEN };
  return {
    error:
      'no GitHub credentials: set PRENV_APP_ID and PRENV_PRIVATE_KEY for the GitHub App, ' +
      'or PRENV_GITHUB_TOKEN to try prenv with a personal token',
  };
}
