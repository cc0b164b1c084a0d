import type { DeadLetter } from '../../adapters/store/state-store.js';
import { iso, terminalSafe } from './view-support.js';

/**
 * A delivery the bot gave up on after its attempts (`--json` shape): `pr` is the pull request
 * its event was about (null when it names none), times are ISO 8601, `retry` the command that
 * replays it.
 */
export interface DeadLetterRow {
  delivery: string;
  event: string;
  pr: number | null;
  attempts: number;
  lastError: string;
  receivedAt: string;
  deadAt: string;
  retry: string;
}

export function deadLetterRows(letters: readonly DeadLetter[]): DeadLetterRow[] {
  return letters.map((d) => ({
    delivery: d.id,
    event: d.name,
    pr: prOf(d.payload),
    attempts: d.attempts,
    lastError: d.lastError,
    receivedAt: iso(d.receivedAt)!,
    deadAt: iso(d.deadAt)!,
    retry: `prenv retry ${d.id}`,
  }));
}

/** Text lines under `prenv list` and `prenv status`; none when there is no dead letter. */
export function renderDeadLetters(rows: readonly DeadLetterRow[]): string[] {
  if (rows.length === 0) return [];
  return [
    '',
    `Dead letters: ${rows.length} ${rows.length === 1 ? 'delivery was' : 'deliveries were'} set aside after failing every attempt:`,
    ...rows.map(
      (r) =>
        `  ${terminalSafe(r.delivery)}  ${r.event}${r.pr === null ? '' : ` (PR #${r.pr})`}, ${r.attempts} attempt${r.attempts === 1 ? '' : 's'}: ${terminalSafe(r.lastError)}\n    replay it with: ${terminalSafe(r.retry)}`,
    ),
  ];
}

function prOf(payload: unknown): number | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const p = payload as { pr?: unknown; pull?: { number?: unknown } };
  if (typeof p.pr === 'number') return p.pr;
  if (typeof p.pull?.number === 'number') return p.pull.number;
  return null;
}
