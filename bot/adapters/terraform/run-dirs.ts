import { lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import path from 'node:path';
import { isProcessAlive, processStart } from '../system/process-alive.js';

const PREFIX = 'prenv-tf-';
/** Folders whose owner file is missing (a start cut short) are removed once this old (ms). */
const UNOWNED_MAX_AGE_MS = 3_600_000;
const CHILD_FILE = 'child.json';
const OWNER_FILE = 'owner.json';

/** A Terraform run that a dead process started and that did not finish under its watch. */
export interface LeftRun {
  stateKey: string;
  command: string;
  /** The Terraform process id it had; it is no longer running. */
  pid: number;
}

/** Who made a run folder: a process, told apart from a later one with its pid by its start. */
interface Owner {
  pid: number;
  host: string;
  /** The process's start (Linux: clock ticks after boot, /proc/<pid>/stat field 22); null elsewhere. */
  start: string | null;
}

/**
 * `<tmpDir>/prenv-<uid>`: this user's folder of run folders. The temporary folder is shared
 * with other users and programs; prenv removes folders only in here, where no one else writes.
 */
export function runDirRoot(tmpDir: string): string {
  return path.join(tmpDir, `prenv-${process.getuid?.() ?? userInfo().username}`);
}

/**
 * The run root, made with mode 0700 when missing. Throws when it is not a folder of this user
 * that only this user can enter (a symbolic link, another owner, open to others): someone else
 * could then put or read run folders there.
 */
async function privateRunRoot(tmpDir: string): Promise<string> {
  const root = runDirRoot(tmpDir);
  await mkdir(root, { mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  const info = await lstat(root);
  const uid = process.getuid?.();
  if (!info.isDirectory() || (uid !== undefined && info.uid !== uid) || (info.mode & 0o077) !== 0)
    throw new Error(
      `${root} is not a folder only this user can enter (mode 0700): remove it, or point TMPDIR elsewhere`,
    );
  return root;
}

/**
 * A private folder for one run's output files or its `-var-file`, in this user's run root
 * (`prenv-<uid>/prenv-tf-<pid>-…`), with an owner file naming this process so a later start
 * can tell whether its maker still runs.
 */
export async function makeRunDir(tmpDir: string): Promise<string> {
  const dir = await mkdtemp(path.join(await privateRunRoot(tmpDir), `${PREFIX}${process.pid}-`));
  const owner: Owner = { pid: process.pid, host: hostname(), start: processStart(process.pid) };
  await writeFile(path.join(dir, OWNER_FILE), JSON.stringify(owner), { mode: 0o600, flag: 'wx' });
  return dir;
}

/**
 * Records the Terraform child of a run folder, with its start (so a later process given its
 * pid is not taken for it), for `removeStaleRunDirs` after a crash.
 */
export async function recordChild(
  runDir: string,
  child: { pid: number; stateKey?: string; command: string },
): Promise<void> {
  const record = { ...child, start: processStart(child.pid) };
  await writeFile(path.join(runDir, CHILD_FILE), JSON.stringify(record), { mode: 0o600 });
}

/**
 * Removes the run folders a dead prenv process of this user left (stdout and stderr files of
 * Terraform runs, and `-var-file`s, which hold variable values), in `runDirRoot(tmpDir)` only:
 * those whose owner file names a process that is gone (or a pid now held by a later process),
 * unless the Terraform child recorded in them still runs. A folder made on another host (a
 * temporary folder shared between containers) is never judged, nor one of a live process; one
 * without an owner file only after an hour. Call once at start, before any run.
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
  const root = runDirRoot(tmpDir);
  // A root that is not private to this user is left alone: its folders may be anyone's.
  const ok = await privateRunRoot(tmpDir).then(
    () => true,
    () => false,
  );
  const names = ok ? await readdir(root).catch(() => [] as string[]) : [];
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = path.join(root, name);
    const info = await lstat(dir).catch(() => null);
    if (!info?.isDirectory()) continue;
    const owner = await readOwner(dir);
    if (owner ? ownerRuns(owner, isAlive) : now - info.mtimeMs < UNOWNED_MAX_AGE_MS) continue;
    const child = await readChild(dir);
    if (child && isAlive(child.pid) && sameStart(child.pid, child.start)) continue;
    if (child?.stateKey)
      leftRuns.push({ stateKey: child.stateKey, command: child.command, pid: child.pid });
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return { removed, leftRuns };
}

/** Whether `pid` is still the process that started at `start` (when in doubt, it is). */
function sameStart(pid: number, start: string | null): boolean {
  const now = start === null ? null : processStart(pid);
  return now === null || now === start;
}

/** Whether the process that made a folder may still run (when in doubt, it does). */
function ownerRuns(owner: Owner, isAlive: (pid: number) => boolean): boolean {
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return owner.start === processStart(process.pid);
  return isAlive(owner.pid) && sameStart(owner.pid, owner.start);
}

async function readOwner(dir: string): Promise<Owner | null> {
  try {
    const parsed = JSON.parse(await readFile(path.join(dir, OWNER_FILE), 'utf8')) as Partial<Owner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return null;
    return {
      pid: parsed.pid,
      host: parsed.host,
      start: typeof parsed.start === 'string' ? parsed.start : null,
    };
  } catch {
    return null;
  }
}

async function readChild(
  dir: string,
): Promise<{ pid: number; stateKey?: string; command: string; start: string | null } | null> {
  try {
    const parsed = JSON.parse(await readFile(path.join(dir, CHILD_FILE), 'utf8')) as {
      pid?: unknown;
      stateKey?: unknown;
      command?: unknown;
      start?: unknown;
    };
    if (typeof parsed.pid !== 'number') return null;
    return {
      pid: parsed.pid,
      command: typeof parsed.command === 'string' ? parsed.command : 'terraform',
      start: typeof parsed.start === 'string' ? parsed.start : null,
      ...(typeof parsed.stateKey === 'string' ? { stateKey: parsed.stateKey } : {}),
    };
  } catch {
    return null;
  }
}
