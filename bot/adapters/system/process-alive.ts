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
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc (not Linux): kill(0) is all we know
  }
}
