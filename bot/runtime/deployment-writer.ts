import type { Action } from '../core/actions.js';
import type { GitHubPort } from '../adapters/github/github-port.js';

export type MarkDeployment = Extract<Action, { kind: 'mark_deployment' }>;

interface Current {
  sha: string;
  id: number;
  state: MarkDeployment['state'];
}

const UNFINISHED = new Set<MarkDeployment['state']>(['queued', 'in_progress']);

/**
 * Writes the planner's deployment states as GitHub Deployments: one deployment per environment
 * and head SHA, its statuses `queued → in_progress → success/failure`, all of them `inactive`
 * when the environment is destroyed (GitHub REST "Deployments" and "Deployment statuses").
 *
 * It remembers the one current deployment of each environment. A deployment superseded before it
 * finished (a newer push) is set `inactive`: GitHub's `auto_inactive` only retires deployments
 * that reached `success`. Environments named by `recover` (runs that were in flight when the
 * process died) are asked of GitHub once: deployments the dead process left `queued` or
 * `in_progress` are set `error`.
 */
export class DeploymentWriter {
  private readonly current = new Map<string, Current>();
  private readonly unchecked = new Set<string>();

  /**
   * `logsUrl`: the page of the run a status is about (`runId`), or of the environment's runs
   * (`pr-7`, `production`) for a status about none, written as its `log_url`; `payload`: what a new deployment of a PR carries (the preview's bypass token).
   */
  constructor(
    private readonly github: GitHubPort,
    private readonly logsUrl?: (environment: string, runId?: string) => string,
    private readonly payload?: (pr: number) => Record<string, unknown>,
  ) {}

  /** The environments whose deployments a previous process may have left unfinished. */
  recover(environments: Iterable<string>): void {
    for (const environment of environments) this.unchecked.add(environment);
  }

  /** The deployment id currently used for `environment` (tests and diagnostics). */
  currentId(environment: string): number | undefined {
    return this.current.get(environment)?.id;
  }

  async write(action: MarkDeployment): Promise<void> {
    const { environment } = action;
    if (action.state === 'inactive') {
      this.current.delete(environment);
      this.unchecked.delete(environment);
      return this.github.deactivateDeployments(environment);
    }
    let cur = this.current.get(environment);
    if (!cur || cur.sha !== action.sha) {
      if (!action.sha) return;
      const id = await this.github.createDeployment({
        ref: action.sha,
        environment,
        description: `prenv environment ${environment}`,
        ...(this.payload && action.pr !== null ? { payload: this.payload(action.pr) } : {}),
      });
      const previous = cur;
      cur = { sha: action.sha, id, state: action.state };
      this.current.set(environment, cur);
      if (previous && UNFINISHED.has(previous.state)) {
        await this.github.setDeploymentStatus({
          deploymentId: previous.id,
          state: 'inactive',
          description: `${environment}: superseded by ${action.sha.slice(0, 7)}`,
        });
      }
      if (this.unchecked.delete(environment)) await this.retireLeftovers(environment, id);
    }
    cur.state = action.state;
    await this.github.setDeploymentStatus({
      deploymentId: cur.id,
      state: action.state,
      ...(action.url ? { environmentUrl: action.url } : {}),
      ...(this.logsUrl ? { logUrl: this.logsUrl(environment, action.runId) } : {}),
      description: action.description ?? `${environment}: ${action.state}`,
    });
  }

  private async retireLeftovers(environment: string, keep: number): Promise<void> {
    for (const id of await this.github.unfinishedDeployments(environment)) {
      if (id === keep) continue;
      await this.github.setDeploymentStatus({
        deploymentId: id,
        state: 'error',
        description: `${environment}: interrupted (the bot restarted during this run)`,
      });
    }
  }
}
