import { hostname } from 'node:os';
import type { RunOwner, RunRef } from '../../core/model.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { parseWholeNumberSetting } from '../../core/whole-number-setting.js';
import { isProcessAlive } from '../../adapters/system/process-alive.js';

/**
 * How long a run held by a prenv command on another host counts as live (ms): its process
 * cannot be asked from here, and no PR run (Terraform apply, Nomad deployment, Caddy) lasts
 * this long. `PRENV_RUN_ABANDON_MS` sets another bound.
 */
export const FOREIGN_RUN_BOUND_MS = 6 * 60 * 60_000;

/** `PRENV_RUN_ABANDON_MS` (ms, 60000 to 604800000), else the default bound; exit 3 when wrong. */
export function abandonBound(value: string | undefined): number {
  if (value === undefined || value === '') return FOREIGN_RUN_BOUND_MS;
  const parsed = parseWholeNumberSetting('PRENV_RUN_ABANDON_MS', value, {
    what: 'a whole number of milliseconds',
    min: 60_000,
    max: 7 * 24 * 60 * 60_000,
    example: FOREIGN_RUN_BOUND_MS,
  });
  if (!parsed.ok) throw new CliError(`cannot run: ${parsed.error}`, ExitCode.config);
  return parsed.value;
}

/** This process as the owner of the runs it starts. */
export function thisOwner(now: number): RunOwner {
  return { host: hostname(), pid: process.pid, startedAt: now };
}

export type Holder =
  | { state: 'gone'; why: string }
  | { state: 'live'; who: string }
  /** A run with no recorded owner: the bot's (`prenv serve` resumes it when it starts). */
  | { state: 'bot'; who: string };

/**
 * Who holds a run in flight: a prenv command whose pid is dead on this host, or that started
 * it on another host more than `boundMs` ago, is gone and its run may be taken over. A pid
 * reused by another process since reads as live: the bound does not apply on this host, so
 * such a run waits for that process or for `prenv destroy`.
 */
export function runHolder(run: RunRef, now: number, boundMs = FOREIGN_RUN_BOUND_MS): Holder {
  const owner = run.owner;
  if (!owner)
    return { state: 'bot', who: 'the bot (prenv serve, which resumes it when it starts)' };
  const who = `prenv (pid ${owner.pid} on ${owner.host}, since ${new Date(owner.startedAt).toISOString()})`;
  if (owner.host === hostname()) {
    if (owner.pid === process.pid || isProcessAlive(owner.pid)) return { state: 'live', who };
    return { state: 'gone', why: `${who} is no longer running` };
  }
  if (now - owner.startedAt > boundMs)
    return {
      state: 'gone',
      why: `${who} started it more than ${Math.round(boundMs / 60_000)} min ago`,
    };
  return { state: 'live', who };
}
