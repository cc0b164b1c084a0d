import { createInterface } from 'node:readline';
import { execa } from 'execa';
import type { StopReason } from './classify.js';

export interface SpawnRequest {
  bin: string;
  args: string[];
  cwd: string;
  /** The complete environment of the child; nothing is inherited. */
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Time between SIGINT and SIGKILL when a run is stopped. */
  killGraceMs: number;
  onStdoutLine: (line: string) => void;
  onSpawn?: (pid: number) => void;
}

export interface SpawnResult {
  exitCode: number | undefined;
  signal: string | undefined;
  stderr: string;
  stopped?: StopReason;
  /** Set when the process could not be started at all (e.g. ENOENT). */
  spawnError?: string;
}

const STDERR_KEEP = 64 * 1024;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * Runs one Terraform command in its own process group (never through a shell). Stopping
 * it (abort or timeout) sends SIGINT to the group, as Ctrl-C would, so Terraform and its
 * provider plugins shut down, persist state and release the lock; whatever is still
 * alive after `killGraceMs` gets SIGKILL.
 */
export async function spawnTerraform(req: SpawnRequest): Promise<SpawnResult> {
  if (req.signal?.aborted) {
    return { exitCode: undefined, signal: undefined, stderr: '', stopped: { reason: 'cancelled' } };
  }
  const child = execa(req.bin, req.args, {
    cwd: req.cwd,
    env: req.env,
    extendEnv: false,
    detached: true,
    reject: false,
    buffer: false,
    stdin: 'ignore',
    stripFinalNewline: false,
  });

  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP);
  });
  const lines = child.stdout ? createInterface({ input: child.stdout, crlfDelay: Infinity }) : null;
  lines?.on('line', req.onStdoutLine);
  const stdoutDone = lines ? new Promise<void>((resolve) => lines.once('close', resolve)) : null;

  let stopped: StopReason | undefined;
  let forceKill: NodeJS.Timeout | undefined;
  const stop = (reason: StopReason) => {
    if (stopped || child.pid === undefined) return;
    stopped = reason;
    killGroup(child.pid, 'SIGINT');
    forceKill = setTimeout(() => killGroup(child.pid as number, 'SIGKILL'), req.killGraceMs);
  };
  const onAbort = () => stop({ reason: 'cancelled' });
  req.signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    req.timeoutMs !== undefined
      ? setTimeout(
          () => stop({ reason: 'timeout', timeoutMs: req.timeoutMs as number }),
          req.timeoutMs,
        )
      : undefined;
  if (child.pid !== undefined) req.onSpawn?.(child.pid);

  try {
    const result = await child;
    await stdoutDone;
    if (stopped && child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
    const spawnError =
      result.exitCode === undefined && result.signal === undefined && result.failed
        ? (result.originalMessage ?? result.shortMessage ?? 'could not start')
        : undefined;
    return {
      exitCode: result.exitCode,
      signal: result.signal,
      stderr,
      ...(stopped ? { stopped } : {}),
      ...(spawnError ? { spawnError } : {}),
    };
  } finally {
    clearTimeout(timer);
    clearTimeout(forceKill);
    req.signal?.removeEventListener('abort', onAbort);
  }
}
