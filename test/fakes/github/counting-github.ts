import type { DeploymentState } from '../../../bot/adapters/github/github-port.js';
import { MemoryGitHub } from './memory-github.js';

/**
 * A MemoryGitHub that answers after `latencyMs` (as a remote GitHub would), counts every call
 * by kind and remembers the most writes to one PR in flight at once.
 */
export class CountingGitHub extends MemoryGitHub {
  readonly calls = new Map<string, number>();
  /** Sticky comment writes per PR. */
  readonly stickyWrites = new Map<number, number>();
  maxInFlightPerPr = 0;
  /** Most GitHub reads (permission and pull request lookups) in flight at once. */
  maxReadsInFlight = 0;
  private readsInFlight = 0;
  private readonly inFlight = new Map<number, number>();

  constructor(public latencyMs = 0) {
    super();
  }

  /** Comment writes (sticky upserts and replies) so far. */
  get commentWrites(): number {
    return (this.calls.get('upsertStickyComment') ?? 0) + (this.calls.get('reply') ?? 0);
  }

  private async around<T>(kind: string, pr: number | null, work: () => Promise<T>): Promise<T> {
    this.calls.set(kind, (this.calls.get(kind) ?? 0) + 1);
    if (pr !== null) {
      const n = (this.inFlight.get(pr) ?? 0) + 1;
      this.inFlight.set(pr, n);
      this.maxInFlightPerPr = Math.max(this.maxInFlightPerPr, n);
    }
    try {
      if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
      return await work();
    } finally {
      if (pr !== null) this.inFlight.set(pr, (this.inFlight.get(pr) ?? 1) - 1);
    }
  }

  override upsertStickyComment(pr: number, marker: string, body: string): Promise<number> {
    this.stickyWrites.set(pr, (this.stickyWrites.get(pr) ?? 0) + 1);
    return this.around('upsertStickyComment', pr, () =>
      super.upsertStickyComment(pr, marker, body),
    );
  }

  override reply(pr: number, body: string): Promise<void> {
    return this.around('reply', pr, () => super.reply(pr, body));
  }

  override createDeployment(input: {
    ref: string;
    environment: string;
    description: string;
  }): Promise<number> {
    return this.around('createDeployment', prOf(input.environment), () =>
      super.createDeployment(input),
    );
  }

  override setDeploymentStatus(input: {
    deploymentId: number;
    state: DeploymentState;
    environmentUrl?: string;
    description: string;
  }): Promise<void> {
    const env = this.deployments.find((d) => d.id === input.deploymentId)?.environment;
    return this.around('setDeploymentStatus', env ? prOf(env) : null, () =>
      super.setDeploymentStatus(input),
    );
  }

  override deactivateDeployments(environment: string): Promise<void> {
    return this.around('deactivateDeployments', prOf(environment), () =>
      super.deactivateDeployments(environment),
    );
  }

  private async read<T>(kind: string, work: () => Promise<T>): Promise<T> {
    this.readsInFlight++;
    this.maxReadsInFlight = Math.max(this.maxReadsInFlight, this.readsInFlight);
    try {
      return await this.around(kind, null, work);
    } finally {
      this.readsInFlight--;
    }
  }

  override permissionOf(username: string) {
    return this.read('permissionOf', () => super.permissionOf(username));
  }

  override getPullRequest(pr: number) {
    return this.read('getPullRequest', () => super.getPullRequest(pr));
  }
}

function prOf(environment: string): number | null {
  const m = /^pr-(\d+)$/.exec(environment);
  return m ? Number(m[1]) : null;
}
