import type { EnvironmentOps, RunContext } from '../../../bot/runtime/environment-ops.js';

export type OpName = 'provision' | 'deploy' | 'destroy';

export interface OpCall {
  op: OpName;
  pr: number;
  sha?: string;
  outcome: 'running' | 'done' | 'failed' | 'aborted';
}

/**
 * Environment operations that keep a pretend server per PR and can be held, released or made
 * to fail per operation, so scenarios control exactly what is in flight.
 */
export class ScriptedOps implements EnvironmentOps {
  readonly calls: OpCall[] = [];
  readonly servers = new Set<number>();
  readonly live = new Map<number, string>();
  private readonly held = new Set<OpName>();
  private readonly waiting: { op: OpName; release: () => void }[] = [];
  private readonly failures = new Map<OpName, Error[]>();

  hold(op: OpName): void {
    this.held.add(op);
  }

  /** Stops holding `op` and lets every held call of it go on. */
  release(op: OpName): void {
    this.held.delete(op);
    for (const w of this.waiting.filter((x) => x.op === op)) w.release();
  }

  failNext(op: OpName, error: Error): void {
    this.failures.set(op, [...(this.failures.get(op) ?? []), error]);
  }

  running(op?: OpName): OpCall[] {
    return this.calls.filter((c) => c.outcome === 'running' && (!op || c.op === op));
  }

  async provision(pr: number, run: RunContext): Promise<void> {
    await this.perform({ op: 'provision', pr, outcome: 'running' }, run, () =>
      this.servers.add(pr),
    );
  }

  async deploy(pr: number, sha: string, run: RunContext): Promise<void> {
    await this.perform({ op: 'deploy', pr, sha, outcome: 'running' }, run, () => {
      if (!this.servers.has(pr)) throw new Error(`no server for pr-${pr}`);
      this.live.set(pr, sha);
    });
  }

  async destroy(pr: number, run: RunContext): Promise<void> {
    await this.perform({ op: 'destroy', pr, outcome: 'running' }, run, () => {
      this.live.delete(pr);
      this.servers.delete(pr);
    });
  }

  private async perform(call: OpCall, run: RunContext, effect: () => void): Promise<void> {
    this.calls.push(call);
    try {
      if (this.held.has(call.op)) await this.waitForRelease(call.op, run.signal);
      if (run.signal.aborted) throw abortError();
      const failure = this.failures.get(call.op)?.shift();
      if (failure) throw failure;
      effect();
      call.outcome = 'done';
    } catch (err) {
      call.outcome = run.signal.aborted ? 'aborted' : 'failed';
      throw err;
    }
  }

  private waitForRelease(op: OpName, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry = { op, release: () => resolve() };
      this.waiting.push(entry);
      signal.addEventListener('abort', () => reject(abortError()), { once: true });
    });
  }
}

function abortError(): Error {
  const err = new Error('run cancelled');
  err.name = 'AbortError';
  return err;
}
