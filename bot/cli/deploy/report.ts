import type { CliContext } from '../context.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { StepReport } from './progress.js';

export type Outcome =
  | { outcome: 'live' | 'deployed'; url: string }
  | {
      outcome: 'queued';
      position: number;
      length: number;
      cap: number;
      atCapacity: boolean;
      /** While `atCapacity`: when prenv asks Hetzner for a server again (epoch ms). */
      blockedUntil?: number | null;
    }
  | { outcome: 'destroyed' | 'absent' }
  | { outcome: 'failed' | 'reverted'; error: string }
  /** Stopped by a signal; `error` says what was recorded and which command retries. */
  | { outcome: 'interrupted'; signal: string; error: string };

export interface CommandReport {
  env: string;
  command: 'deploy' | 'destroy';
  sha: string | null;
  result: Outcome;
  steps: StepReport[];
}

const EXIT: Record<Outcome['outcome'], ExitCodeValue> = {
  live: ExitCode.ok,
  deployed: ExitCode.ok,
  destroyed: ExitCode.ok,
  absent: ExitCode.ok,
  /** The cap is reached: nothing failed, but the environment does not exist yet. */
  queued: ExitCode.refused,
  failed: ExitCode.failure,
  reverted: ExitCode.failure,
  interrupted: ExitCode.interrupted,
};

/** Prints the result (one JSON object with --json, else a sentence) and returns the exit code. */
export function printReport(ctx: CliContext, report: CommandReport, json: boolean): ExitCodeValue {
  const code = EXIT[report.result.outcome];
  if (json) {
    ctx.stdout(`${JSON.stringify(jsonOf(report), null, 2)}\n`);
  } else {
    const text = sentence(report);
    if (code === ExitCode.ok) ctx.stdout(`${text}\n`);
    else ctx.stderr(`prenv: ${text}\n`);
  }
  return code;
}

function sentence({ env, command, sha, result }: CommandReport): string {
  const at = sha ? ` (${sha})` : '';
  switch (result.outcome) {
    case 'live':
    case 'deployed':
      return `${env} is live at ${result.url}${at}`;
    case 'destroyed':
      return `${env} is destroyed`;
    case 'absent':
      return `${env} has no environment: nothing to destroy`;
    case 'queued':
      return (
        `${env} is queued at position ${result.position} of ${result.length}: ${queueReason(result)}. ` +
        'It starts when a slot frees up (the bot starts it, or run this command again).'
      );
    case 'failed':
    case 'reverted':
      return `${command} of ${env} failed: ${result.error}`;
    case 'interrupted':
      return `${command} of ${env} interrupted by ${result.signal}: ${result.error}`;
  }
}

type Queued = Extract<Outcome, { outcome: 'queued' }>;

/** Why a deploy waits, the same words for the sentence and `--json`'s `queue.reason`. */
function queueReason(result: Queued): string {
  if (!result.atCapacity)
    return `the cap of ${result.cap} environment${result.cap === 1 ? '' : 's'} is reached`;
  const until = result.blockedUntil ? `; prenv asks again after ${iso(result.blockedUntil)}` : '';
  return `Hetzner refused new servers (resource_limit_exceeded: the project is at its server limit)${until}`;
}

const iso = (ms: number) => new Date(ms).toISOString();

function jsonOf({ env, command, sha, result, steps }: CommandReport) {
  return {
    env,
    command,
    sha,
    outcome: result.outcome,
    url: 'url' in result ? result.url : null,
    queue:
      result.outcome === 'queued'
        ? {
            position: result.position,
            length: result.length,
            cap: result.cap,
            atCapacity: result.atCapacity,
            reason: queueReason(result),
            blockedUntil:
              result.atCapacity && result.blockedUntil ? iso(result.blockedUntil) : null,
          }
        : null,
    error: 'error' in result ? result.error : null,
    steps: steps.map((s) => ({
      name: s.name,
      seconds: s.seconds,
      outcome: s.outcome,
      notes: s.notes,
    })),
  };
}
