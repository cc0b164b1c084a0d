import { hostname } from 'node:os';
import type { PlanEvent } from '../core/actions.js';
import type { RunOwner, World } from '../core/model.js';
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

/** What a starting bot does with each PR run in flight (see `sortRunsInFlight`). */
export interface RunsInFlight {
  /** The PRs whose run the bot resumes: its own, and those whose prenv command is gone. */
  resume: number[];
  /** Runs of a prenv command that is gone: the bot takes them over (`why`: how it knows). */
  adopted: Array<{ pr: number; runId: string; why: string }>;
  /** Runs a live prenv command still carries out: the bot leaves them to it. */
  left: Array<{ pr: number; runId: string; who: string }>;
}

/**
 * Sorts the PR runs a saved world has in flight for a starting bot (`prenv serve`): a run with
 * no owner is the bot's and is resumed; one whose prenv command is gone (`ownerState`, with
 * `boundMs` in ms for another host's) is taken over and resumed; one whose command still runs
 * is left to it, which records its end in the same state.
 */
export function sortRunsInFlight(world: World, now: number, boundMs: number): RunsInFlight {
  const sorted: RunsInFlight = { resume: [], adopted: [], left: [] };
  for (const env of Object.values(world.envs)) {
    const run = env.run;
    if (!run) continue;
    const holder = run.owner ? ownerState(run.owner, now, boundMs) : null;
    if (holder?.state === 'live') {
      sorted.left.push({ pr: env.pr, runId: run.id, who: holder.who });
      continue;
    }
    if (holder) sorted.adopted.push({ pr: env.pr, runId: run.id, why: holder.why });
    sorted.resume.push(env.pr);
  }
  return sorted;
}

/**
 * The live prenv command, other than `self` (the command planning, if any), whose run is in
 * flight on the PR `event` is about: `{ pr, who }`, or null when there is none (no run, the
 * bot's run, or its command is gone; `ownerState` with `boundMs` in ms). Only PR events and
 * commands are asked about: they may start a run, while a finished run is matched by its id.
 */
export function heldByCommand(
  world: World,
  event: PlanEvent,
  now: number,
  boundMs: number,
  self?: RunOwner,
): { pr: number; who: string } | null {
  if (!('pull' in event)) return null;
  const pr = event.pull.number;
  const owner = world.envs[pr]?.run?.owner;
  if (!owner || (self && owner.host === self.host && owner.pid === self.pid)) return null;
  const holder = ownerState(owner, now, boundMs);
  return holder.state === 'live' ? { pr, who: holder.who } : null;
}
