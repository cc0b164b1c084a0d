import type { Action } from '../core/actions.js';
import { renderSticky, stickyMarker } from '../core/comment.js';
import type { Logger } from '../core/logger.js';
import type { GitHubPort } from '../adapters/github/github-port.js';

type ReportAction = Extract<Action, { kind: 'report' | 'react' | 'reply' | 'mark_deployment' }>;

export function isReportAction(action: Action): action is ReportAction {
  return (
    action.kind === 'report' ||
    action.kind === 'react' ||
    action.kind === 'reply' ||
    action.kind === 'mark_deployment'
  );
}

/**
 * Carries the planner's reporting actions to GitHub. Failures are logged, never thrown: a PR
 * comment that could not be written must not undo a deploy.
 */
export class GitHubReporter {
  private readonly deployments = new Map<string, number>();

  constructor(
    private readonly github: GitHubPort,
    private readonly logger: Logger,
  ) {}

  async apply(action: ReportAction): Promise<void> {
    try {
      await this.applyOne(action);
    } catch (err) {
      this.logger.warn('GitHub report failed', {
        pr: action.pr,
        action: action.kind,
        error: (err as Error).message,
      });
    }
  }

  private async applyOne(action: ReportAction): Promise<void> {
    switch (action.kind) {
      case 'react':
        return this.github.react(action.commentId, action.reaction);
      case 'reply':
        return this.github.reply(action.pr, action.body);
      case 'report':
        await this.github.upsertStickyComment(
          action.pr,
          stickyMarker(action.pr),
          renderSticky(action.view),
        );
        return;
      case 'mark_deployment':
        return this.markDeployment(action);
    }
  }

  private async markDeployment(
    action: Extract<Action, { kind: 'mark_deployment' }>,
  ): Promise<void> {
    if (action.state === 'inactive') {
      this.deployments.delete(action.environment);
      return this.github.deactivateDeployments(action.environment);
    }
    const key = `${action.environment}@${action.sha ?? ''}`;
    let id = this.deployments.get(key);
    if (id === undefined) {
      if (!action.sha) return;
      id = await this.github.createDeployment({
        ref: action.sha,
        environment: action.environment,
        description: `prenv environment ${action.environment}`,
      });
      this.deployments.set(key, id);
    }
    await this.github.setDeploymentStatus({
      deploymentId: id,
      state: action.state,
      ...(action.url ? { environmentUrl: action.url } : {}),
      description: `${action.environment}: ${action.state}`,
    });
  }
}
