import { hostname } from 'node:os';
import type { RunOwner, RunRef } from '../../core/model.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { processIdentity } from '../../adapters/system/process-alive.js';
import { parseWholeNumberSetting } from '../../core/whole-number-setting.js';
import { FOREIGN_RUN_BOUND_MS, ownerState } from '../../runtime/run-holder.js';

export { FOREIGN_RUN_BOUND_MS } from '../../runtime/run-holder.js';

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

/** This process as the owner of the runs it starts (with its start and boot, see `RunOwner`). */
export function thisOwner(now: number): RunOwner {
  return { host: hostname(), ...processIdentity(process.pid), startedAt: now };
}

export type Holder =
  | { state: 'gone'; why: string }
  | { state: 'live'; who: string }
  /** A run with no recorded owner: the bot's (`prenv serve` resumes it when it starts). */
  | { state: 'bot'; who: string };

/**
 * Who holds a run in flight: the bot when it has no owner, else its prenv command as
 * `ownerState` judges it (on this host: gone once its process is, even when its pid was given
 * to a later process or the host rebooted; on another host: gone `boundMs` after it started
 * the run). A gone holder's run may be taken over.
 */
export function runHolder(run: RunRef, now: number, boundMs = FOREIGN_RUN_BOUND_MS): Holder {
  const owner = run.owner;
  if (!owner)
    return { state: 'bot', who: 'the bot (prenv serve, which resumes it when it starts)' };
  return ownerState(owner, now, boundMs);
}
