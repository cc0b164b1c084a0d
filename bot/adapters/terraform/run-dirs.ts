import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const PREFIX = 'prenv-tf-';
const OWNED = /^prenv-tf-(\d+)-/;
/** Folders of releases that did not name their owner are removed once this old (ms). */
const UNOWNED_MAX_AGE_MS = 24 * 3_600_000;
const CHILD_FILE = 'child.json';

/** A Terraform run that a dead process started and that did not finish under its watch. */
export interface LeftRun {
  stateKey: string;
  command: string;
  /** The Terraform process id it had; it is no longer running. */
  pid: number;
}

/**
 * A private folder for one run's output files or its `-var-file`, named after this process
 * (`prenv-tf-<pid>-…`) so a later start can tell whose it was.
 */
export function makeRunDir(tmpDir: string): Promise<string> {
  return mkdtemp(path.join(tmpDir, `${PREFIX}${process.pid}-`));
}

/** Records the Terraform child of a run folder, for `removeStaleRunDirs` after a crash. */
export async function recordChild(
  runDir: string,
  child: { pid: number; stateKey?: string; command: string },
): Promise<void> {
  await writeFile(path.join(runDir, CHILD_FILE), JSON.stringify(child), { mode: 0o600 });
}

/**
 * Whether a process runs. An exited one nobody reaped (a zombie, common for an orphaned
 * Terraform in a container without an init) does not: Linux's /proc/<pid>/stat says `Z`.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc (not Linux): kill(0) is all we know
  }
}

/**
 * Removes the run folders a dead prenv process left in `tmpDir` (stdout and stderr files of
 * Terraform runs, and `-var-file`s, which hold variable values): those named after a process
 * that is gone, or after this one (an earlier process with the same pid, as in a container),
 * unless the Terraform child recorded in them still runs. Call once at start, before any run.
 *
 * Returns the runs whose Terraform is gone without this process having seen it end: their
 * state may still be locked (see the runner's `leftRuns`).
 */
export async function removeStaleRunDirs(
  tmpDir: string,
  isAlive: (pid: number) => boolean = isProcessAlive,
  now = Date.now(),
): Promise<{ removed: string[]; leftRuns: LeftRun[] }> {
  const removed: string[] = [];
  const leftRuns: LeftRun[] = [];
  const names = await readdir(tmpDir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = path.join(tmpDir, name);
    const owner = OWNED.exec(name);
    if (owner) {
      const pid = Number(owner[1]);
      if (pid !== process.pid && isAlive(pid)) continue;
    } else {
      const info = await stat(dir).catch(() => null);
      if (!info?.isDirectory() || now - info.mtimeMs < UNOWNED_MAX_AGE_MS) continue;
    }
    const child = await readChild(dir);
    if (child && isAlive(child.pid)) continue;
    if (child?.stateKey)
      leftRuns.push({ stateKey: child.stateKey, command: child.command, pid: child.pid });
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return { removed, leftRuns };
}

async function readChild(
  dir: string,
): Promise<{ pid: number; stateKey?: string; command: string } | null> {
  try {
    const parsed = JSON.parse(await readFile(path.join(dir, CHILD_FILE), 'utf8')) as {
      pid?: unknown;
      stateKey?: unknown;
      command?: unknown;
    };
    if (typeof parsed.pid !== 'number') return null;
    return {
      pid: parsed.pid,
      command: typeof parsed.command === 'string' ? parsed.command : 'terraform',
      ...(typeof parsed.stateKey === 'string' ? { stateKey: parsed.stateKey } : {}),
    };
  } catch {
    return null;
  }
}
