/** What a run may report while it works: one line per step, shown in logs and the CLI. */
export interface RunContext {
  signal: AbortSignal;
  step: (name: string) => void;
}

/**
 * The three things the bot does to a PR environment. Every operation is idempotent (it may be
 * repeated after a crash or a retry) and tolerates "already there" / "already gone".
 */
export interface EnvironmentOps {
  /** Creates the preview node (Terraform apply for `pr-N`). */
  provision(pr: number, run: RunContext): Promise<void>;
  /** Renders and submits the jobs at `sha`, adds the Caddy route and waits until healthy. */
  deploy(pr: number, sha: string, run: RunContext): Promise<void>;
  /** Removes the route, stops the jobs and destroys the node. */
  destroy(pr: number, run: RunContext): Promise<void>;
}

/**
 * EnvironmentOps whose implementation `make` builds on the first operation (once; later ones
 * wait for the same). The bot idles with the pipeline's modules not yet loaded.
 */
export function opsOnFirstUse(make: () => Promise<EnvironmentOps>): EnvironmentOps {
  let ops: Promise<EnvironmentOps> | undefined;
  const made = () => (ops ??= make());
  return {
    provision: async (pr, run) => (await made()).provision(pr, run),
    deploy: async (pr, sha, run) => (await made()).deploy(pr, sha, run),
    destroy: async (pr, run) => (await made()).destroy(pr, run),
  };
}

/** Thrown by an operation when Hetzner refuses new servers (`resource_limit_exceeded`). */
export class AtCapacityError extends Error {
  readonly atCapacity = true;
}

export function isAtCapacity(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  if ('atCapacity' in err && err.atCapacity === true) return true;
  const failure = (err as { failure?: { kind?: string } }).failure;
  return failure?.kind === 'resource_limit_exceeded';
}

export function isAbort(err: unknown, signal: AbortSignal): boolean {
  return (
    signal.aborted ||
    (err instanceof Error &&
      (err.name === 'AbortError' ||
        (err as { failure?: { kind?: string } }).failure?.kind === 'cancelled'))
  );
}
