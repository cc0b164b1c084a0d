import type { RunAction } from './actions.js';
import type { DomainEvent } from './events.js';

/**
 * What the deliveries already received but not yet planned say about each PR. Spending on a PR
 * whose close is already queued buys a server for nothing (Hetzner bills every started hour),
 * and deploying a SHA a queued push replaces is work thrown away.
 */
export interface LookAhead {
  /** PRs with a queued `closed`, `converted_to_draft` or `/destroy`. */
  stops: ReadonlySet<number>;
  /** The newest head SHA a queued push brings, per PR. */
  heads: ReadonlyMap<number, string>;
}

export const NOTHING_AHEAD: LookAhead = { stops: new Set(), heads: new Map() };

/** The kinds of queued events `lookAhead` reads; no other kind says anything ahead. */
export const LOOKAHEAD_KINDS = [
  'pr_closed',
  'pr_drafted',
  'pr_updated',
  'comment_command',
] as const satisfies readonly DomainEvent['kind'][];

/** Reads the queued events, oldest first. */
export function lookAhead(events: Iterable<DomainEvent>): LookAhead {
  const stops = new Set<number>();
  const heads = new Map<number, string>();
  for (const event of events) {
    switch (event.kind) {
      case 'pr_closed':
      case 'pr_drafted':
        stops.add(event.pull.number);
        break;
      case 'pr_updated':
        if (!event.pull.fork) heads.set(event.pull.number, event.pull.headSha);
        break;
      case 'comment_command':
        if (event.command.kind === 'command' && event.command.name === 'destroy')
          stops.add(event.pr);
        break;
      default:
        break;
    }
  }
  return { stops, heads };
}

/**
 * Why run `run` should not start yet, or null when it may. A destroy always may; anything else
 * waits while a stop for its PR is queued, and a deploy waits while a push of another SHA is.
 */
export function holdReason(run: RunAction, ahead: LookAhead): string | null {
  if (run.kind === 'destroy') return null;
  if (ahead.stops.has(run.pr)) return 'a close, draft or /destroy for it is queued';
  const head = ahead.heads.get(run.pr);
  if ((run.kind === 'deploy' || run.kind === 'redeploy') && head !== undefined && head !== run.sha)
    return `a push of ${head.slice(0, 7)} is queued`;
  return null;
}
