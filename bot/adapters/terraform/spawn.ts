import { open, rm } from 'node:fs/promises';
import type { execa } from 'execa';
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
  /** What the run works on, recorded with the child's pid for a later start to find. */
  record?: { stateKey?: string; command: string };
  /** How often the stdout file is read for new lines. */
  pollMs?: number;
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
 * Runs one Terraform command through execa in its own process group (`detached`, never
 * through a shell). Its stdout and stderr are files in a private run directory, handed to
 * the child as file descriptors: execa's `{ file }` target would pipe the output through
 * this process, and a Terraform writing to the pipe of a dead bot dies of SIGPIPE mid-apply;
 * with descriptors it finishes, saves its state and releases the lock. Stdout lines are read
 * by tailing that file.
 *
 * Stopping it (abort through execa's `cancelSignal`, or `timeoutMs`) sends SIGINT, as Ctrl-C
 * would, so Terraform stops its providers, persists state and releases the lock; execa's
 * `forceKillAfterDelay` sends SIGKILL after `killGraceMs`, and once Terraform is gone whatever
 * is left of its process group (provider plugins) is killed too.
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
  // execa (≈ 100 modules) loads with the first run: an idle bot never needs it.
  const { execa: run } = await import('execa');
  const out = await open(stdoutFile, 'wx', 0o600);
  const err = await open(stderrFile, 'wx', 0o600);
  if (req.signal?.aborted) {
    await Promise.all([out.close(), err.close()]);
    return CANCELLED;
  }
  let subprocess: ReturnType<typeof start>;
  try {
    subprocess = start(run, req, out.fd, err.fd);
  } finally {
    // The child holds its own copies of the descriptors.
    await Promise.all([out.close(), err.close()]);
  }
  const pid = subprocess.pid;
  if (pid !== undefined && req.record)
    await recordChild(runDir, { pid, ...req.record }).catch(() => undefined);
  if (pid !== undefined) req.onSpawn?.(pid);
  const tail = await tailLines(stdoutFile, req.onStdoutLine, req.pollMs);

  const result = await subprocess;
  const stopped: StopReason | undefined = result.timedOut
    ? { reason: 'timeout', timeoutMs: req.timeoutMs as number }
    : result.isCanceled
      ? { reason: 'cancelled' }
      : undefined;
  if (stopped && pid !== undefined) killGroup(pid, 'SIGKILL');
  await tail.finish();
  const spawnError = pid === undefined && result.failed ? result.originalMessage : undefined;
  return {
    exitCode: result.exitCode,
    signal: result.signal,
    stderr: await readTail(stderrFile, STDERR_KEEP),
    ...(stopped ? { stopped } : {}),
    ...(spawnError ? { spawnError } : {}),
  };
}

function start(run: typeof execa, req: SpawnRequest, stdoutFd: number, stderrFd: number) {
  return run(req.bin, req.args, {
    cwd: req.cwd,
    env: req.env,
    extendEnv: false,
    detached: true,
    // A detached child is never killed with the bot: it must be able to finish.
    cleanup: false,
    stdin: 'ignore',
    stdout: descriptor(stdoutFd),
    stderr: descriptor(stderrFd),
    reject: false,
    killSignal: 'SIGINT',
    forceKillAfterDelay: req.killGraceMs,
    cancelSignal: req.signal,
    timeout: req.timeoutMs,
  });
}

/**
 * A file descriptor for execa's `stdout`/`stderr`. Its types list only the numbers 1–9, but at
 * run time it hands any number to `child_process.spawn` unchanged (execa lib/stdio/type.js:
 * a number is a "native" value), which duplicates the descriptor into the child.
 */
function descriptor(fd: number): 1 {
  return fd as 1;
}
