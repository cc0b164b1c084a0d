import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import type { StopReason } from './classify.js';
import { makeRunDir, recordChild } from './run-dirs.js';
import { readTail, tailLines } from './tail-file.js';

export interface SpawnRequest {
  bin: string;
  args: string[];
  cwd: string;
  /** The complete environment of the child; nothing is inherited. */
  env: Record<string, string | undefined>;
  /** Where the run's private output directory goes. */
  tmpDir: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Time between SIGINT and SIGKILL when a run is stopped. */
  killGraceMs: number;
  onStdoutLine: (line: string) => void;
  onSpawn?: (pid: number) => void;
  /** How often the stdout file is read for new lines. */
  pollMs?: number;
  /** What the run works on, recorded with the child's pid for a later start to find. */
  record?: { stateKey?: string; command: string };
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
const CANCELLED: SpawnResult = {
  exitCode: undefined,
  signal: undefined,
  stderr: '',
  stopped: { reason: 'cancelled' },
};

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * Runs one Terraform command in its own process group (never through a shell). Its
 * stdout and stderr go to files in a private run directory, not to pipes, so Terraform
 * outlives a bot that dies mid-run: it finishes, saves its state and releases the lock
 * instead of dying of SIGPIPE. Stdout lines are read by tailing that file.
 *
 * Stopping it (abort or timeout) sends SIGINT to the group, as Ctrl-C would, so Terraform
 * and its provider plugins shut down, persist state and release the lock; whatever is
 * still alive after `killGraceMs` gets SIGKILL.
 */
export async function spawnTerraform(req: SpawnRequest): Promise<SpawnResult> {
  if (req.signal?.aborted) return CANCELLED;
  const runDir = await makeRunDir(req.tmpDir);
  try {
    return await runIn(runDir, req);
  } finally {
    await rm(runDir, { recursive: true, force: true });
  }
}

async function runIn(runDir: string, req: SpawnRequest): Promise<SpawnResult> {
  const stdoutFile = path.join(runDir, 'stdout.jsonl');
  const stderrFile = path.join(runDir, 'stderr.log');
  const out = await open(stdoutFile, 'wx', 0o600);
  const err = await open(stderrFile, 'wx', 0o600);
  if (req.signal?.aborted) {
    await Promise.all([out.close(), err.close()]);
    return CANCELLED;
  }
  let child: ChildProcess;
  let exited: Promise<Exit>;
  try {
    // node:child_process rather than execa: execa's types do not take any file descriptor.
    // `detached` gives the child its own session and process group.
    child = spawn(req.bin, req.args, {
      cwd: req.cwd,
      env: req.env,
      detached: true,
      stdio: ['ignore', out.fd, err.fd],
    });
    exited = exitOf(child);
  } finally {
    // The child holds its own copies of the descriptors.
    await Promise.all([out.close(), err.close()]);
  }
  if (child.pid !== undefined && req.record)
    await recordChild(runDir, { pid: child.pid, ...req.record }).catch(() => undefined);
  const tail = await tailLines(stdoutFile, req.onStdoutLine, req.pollMs);

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
  if (req.signal?.aborted) onAbort();
  const timer =
    req.timeoutMs !== undefined
      ? setTimeout(
          () => stop({ reason: 'timeout', timeoutMs: req.timeoutMs as number }),
          req.timeoutMs,
        )
      : undefined;
  if (child.pid !== undefined) req.onSpawn?.(child.pid);

  try {
    const result = await exited;
    if (stopped && child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
    await tail.finish();
    return {
      exitCode: result.exitCode,
      signal: result.signal,
      stderr: await readTail(stderrFile, STDERR_KEEP),
      ...(stopped ? { stopped } : {}),
      ...(result.spawnError ? { spawnError: result.spawnError } : {}),
    };
  } finally {
    clearTimeout(timer);
    clearTimeout(forceKill);
    req.signal?.removeEventListener('abort', onAbort);
  }
}

interface Exit {
  exitCode: number | undefined;
  signal: string | undefined;
  spawnError?: string;
}

/** Resolves when the child has exited, or with `spawnError` when it never started. */
function exitOf(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => {
    child.on('error', (error) => {
      if (child.pid === undefined) {
        resolve({ exitCode: undefined, signal: undefined, spawnError: error.message });
      }
    });
    child.once('exit', (code, signal) =>
      resolve({ exitCode: code ?? undefined, signal: signal ?? undefined }),
    );
  });
}
