import type { Config } from '../../config/config.js';
import type { PullRequestRef } from '../../core/model.js';
import type { GitHubPort } from '../../adapters/github/github-port.js';
import { CliError, ExitCode } from '../exit-codes.js';

export interface PrTarget {
  pull: PullRequestRef;
  /** The commit to deploy; null for a destroy. */
  sha: string | null;
}

/**
 * The pull request a CLI `deploy pr` or `destroy pr` acts on. With GitHub credentials it is
 * read from GitHub (the head SHA is the default commit); without, it is what the state knows,
 * or a plain open PR, and a deploy needs `--sha`.
 */
export async function resolvePrTarget(input: {
  config: Config;
  pr: number;
  command: 'deploy' | 'destroy';
  sha: string | undefined;
  /** null when no credentials are set. */
  github: GitHubPort | null;
  known: PullRequestRef | undefined;
}): Promise<PrTarget> {
  const { pr, command } = input;
  const fresh = input.github ? await fromGitHub(input.github, input.config, pr) : undefined;
  const pull = fresh ?? input.known;
  // Without GitHub the head SHA in the state may be old: only --sha says what to run.
  const sha = command === 'deploy' ? (input.sha ?? fresh?.headSha ?? null) : null;
  if (command === 'deploy' && sha === null) throw needsSha(pr);
  const base: PullRequestRef = pull ?? {
    number: pr,
    headSha: sha ?? '',
    headRef: '',
    baseRef: '',
    title: '',
    author: '',
    draft: false,
    fork: false,
    state: 'open',
    merged: false,
  };
  if (command === 'deploy') refuseUndeployable(base, input.config);
  return { pull: sha === null ? base : { ...base, headSha: sha }, sha };
}

export function needsSha(pr: number): CliError {
  return new CliError(
    `\`prenv deploy pr ${pr}\` needs --sha: without GitHub credentials (PRENV_GITHUB_TOKEN, ` +
      'or PRENV_APP_ID and PRENV_PRIVATE_KEY) prenv cannot read the head commit of the PR.',
    ExitCode.usage,
  );
}

async function fromGitHub(github: GitHubPort, config: Config, pr: number): Promise<PullRequestRef> {
  let details;
  try {
    details = await github.getPullRequest(pr);
  } catch (err) {
    throw new CliError(`cannot read pull request #${pr} from GitHub: ${(err as Error).message}`);
  }
  if (!details) {
    throw new CliError(
      `pull request #${pr} does not exist in ${config.github.owner}/${config.github.repo}`,
      ExitCode.usage,
    );
  }
  return {
    number: details.number,
    headSha: details.headSha,
    headRef: details.headRef,
    baseRef: details.baseRef,
    title: details.title,
    author: details.author,
    draft: details.draft,
    fork: details.fork,
    state: details.state,
    merged: details.merged,
  };
}

/** The planner would refuse these too; saying so here keeps the reason out of the PR thread. */
function refuseUndeployable(pull: PullRequestRef, config: Config): void {
  const why =
    pull.state === 'closed'
      ? 'it is closed (reopen it first)'
      : pull.draft
        ? 'it is a draft (mark it ready for review first)'
        : pull.fork && config.previews.forks === 'never'
          ? 'it comes from a fork and prenv.yml says previews.forks: never'
          : null;
  if (why)
    throw new CliError(`not deploying pull request #${pull.number}: ${why}`, ExitCode.refused);
}
