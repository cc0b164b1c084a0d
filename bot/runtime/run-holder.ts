import { hostname } from 'node:os';
import type { RunOwner } from '../core/model.js';
import { isSameProcessAlive } from '../adapters/system/process-alive.js';

/**
 * How long a run held by a prenv command on another host counts as live (ms): its process
 * cannot be asked from here, and no PR run (Terraform apply, Nomad deployment, Caddy) lasts
 * this long. `PRENV_RUN_ABANDON_MS` sets another bound.
 */
export const FOREIGN_RUN_BOUND_MS = 6 * 60 * 60_000;

export type OwnerState = { state: 'gone'; why: string } | { state: 'live'; who: string };

/**
 * Whether the prenv command that owns a run still holds it. On this host it does while its
 * very process runs (`isSameProcessAlive`: a dead pid, a pid reused by a later process or a
 * reboot since all read as gone); a process on another host cannot be asked, so its run counts
 * as held for `boundMs` (ms) after it started it, then as gone.
 */
export function ownerState(owner: RunOwner, now: number, boundMs: number): OwnerState {
  const who = `prenv (pid ${owner.pid} on ${owner.host}, since ${new Date(owner.startedAt).toISOString()})`;
  if (owner.host === hostname()) {
    if (isSameProcessAlive(owner)) return { state: 'live', who };
    return { state: 'gone', why: `${who} is no longer running` };
  }
  if (now - owner.startedAt > boundMs)
    return {
      state: 'gone',
      why: `${who} started it more than ${Math.round(boundMs / 60_000)} min ago`,
    };
  return { state: 'live', who };
}
