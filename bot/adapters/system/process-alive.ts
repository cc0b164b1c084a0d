import { readFileSync } from 'node:fs';

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
  const stat = readProcStat(pid);
  // No /proc (not Linux): kill(0) is all we know.
  return stat === null || stat.state !== 'Z';
}

/** The fields of /proc/<pid>/stat prenv reads (proc(5)). */
export interface ProcStat {
  /** Field 3: `R`, `S`, `D`, `Z`… */
  state: string;
  /** Field 22 `starttime`: when the process started, in clock ticks after boot (a decimal string). */
  startTicks: string;
}

/**
 * Parses a /proc/<pid>/stat line (proc(5)); null when it is not one. Field 2 is the command
 * name in parentheses and may itself hold spaces and parentheses (`(a) (b)`), so the fields
 * are counted from the last `)`: the state is the first after it, `starttime` the 20th.
 */
export function parseProcStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0 || !/^\d+ \(/.test(text)) return null;
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const [state, startTicks] = [fields[0], fields[19]];
  if (!state || !/^[A-Za-z]$/.test(state) || !startTicks || !/^\d+$/.test(startTicks)) return null;
  return { state, startTicks };
}

function readProcStat(pid: number): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** When a process started (Linux: /proc/<pid>/stat's `starttime`, clock ticks after boot); null off Linux or when it is gone. */
export function processStart(pid: number): string | null {
  return readProcStat(pid)?.startTicks ?? null;
}

/** This boot of the host (Linux: /proc/sys/kernel/random/boot_id, a UUID); null off Linux. */
export function bootId(): string | null {
  try {
    const id = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return id === '' ? null : id;
  } catch {
    return null;
  }
}

/**
 * A process told apart from a later one given the same pid: its pid, plus (on Linux) its start
 * in clock ticks after boot and the boot it ran in. A start counts from boot, so it only means
 * something with the boot id beside it.
 */
export interface ProcessIdentity {
  pid: number;
  start?: string;
  boot?: string;
}

/** `pid`'s identity now: start and boot where /proc has them. */
export function processIdentity(pid: number): ProcessIdentity {
  const start = processStart(pid);
  const boot = bootId();
  return { pid, ...(start !== null ? { start } : {}), ...(boot !== null ? { boot } : {}) };
}

/**
 * Whether the very process `id` names still runs on this host. It is gone when its pid is
 * dead, when the host booted since (`boot` differs), or when its pid now belongs to a process
 * that started at another time (`start` differs: the pid was reused). A record without start
 * or boot (an older prenv, or a host without /proc) is judged on the pid alone, as is one read
 * where /proc is missing now.
 */
export function isSameProcessAlive(id: ProcessIdentity): boolean {
  if (id.boot !== undefined) {
    const boot = bootId();
    if (boot !== null && boot !== id.boot) return false;
  }
  if (!isProcessAlive(id.pid)) return false;
  if (id.start === undefined) return true;
  const start = processStart(id.pid);
  return start === null || start === id.start;
}
