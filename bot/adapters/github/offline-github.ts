import type { Logger } from '../../core/logger.js';
import type { GitHubPort } from './github-port.js';

/**
 * The GitHub port when no credentials are set (a maintainer running the CLI locally): nothing
 * is reported to pull requests, and asking GitHub for facts fails with what to set.
 */
export function offlineGitHub(logger: Logger): GitHubPort {
  const skip = async (what: string) => {
    logger.debug(`no GitHub credentials: not reporting ${what}`);
  };
  const missing = () =>
    Promise.reject(
      new Error('this needs GitHub: set PRENV_GITHUB_TOKEN, or PRENV_APP_ID and PRENV_PRIVATE_KEY'),
    );
  return {
    permissionOf: missing,
    react: () => skip('a reaction'),
    upsertStickyComment: async () => {
      await skip('the PR comment');
      return 0;
    },
    reply: () => skip('a reply'),
    createDeployment: async () => {
      await skip('a deployment');
      return 0;
    },
    setDeploymentStatus: () => skip('a deployment status'),
    deactivateDeployments: () => skip('deployments'),
    unfinishedDeployments: async () => [],
    listOpenPullRequests: missing,
    getPullRequest: missing,
    commitChecks: missing,
  };
}
