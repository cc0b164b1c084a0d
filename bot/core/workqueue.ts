import type { Action, RunAction } from './actions.js';
import { isRunAction } from './actions.js';

/**
 * Per-PR serialization of runs, as a pure model the executor follows. Each PR has one lane: at
 * most one run executes, later runs wait in order. The planner gives every env at most one
 * current run, so a new run supersedes anything still pending for that PR: a burst of pushes
 * leaves only the newest redeploy waiting behind the run in flight (which `cancel_run` asks to
 * stop at its next safe point — an executor never kills a step such as `terraform apply` midway).
 */
export interface Lane {
  running: RunAction | null;
  /** Set when the running run was superseded; the executor aborts it cooperatively. */
  cancelRequested: boolean;
  pending: RunAction[];
}

export interface WorkQueue {
  lanes: Record<number, Lane>;
}

export function emptyWorkQueue(): WorkQueue {
  return { lanes: {} };
}

export interface SubmitResult {
  queue: WorkQueue;
  /** Run ids in flight that the executor must now abort. */
  abort: string[];
  /** Pending runs dropped before they started. */
  dropped: RunAction[];
}

/** Adds the run and `cancel_run` actions of a plan; other actions are not serialized here. */
export function submit(queue: WorkQueue, actions: readonly Action[]): SubmitResult {
  const next = structuredClone(queue);
  const abort: string[] = [];
  const dropped: RunAction[] = [];
  for (const action of actions) {
    if (action.kind === 'cancel_run') {
      const lane = next.lanes[action.pr];
      if (!lane) continue;
      if (lane.running?.runId === action.runId && !lane.cancelRequested) {
        lane.cancelRequested = true;
        abort.push(action.runId);
      }
      dropped.push(...lane.pending.filter((r) => r.runId === action.runId));
      lane.pending = lane.pending.filter((r) => r.runId !== action.runId);
    } else if (isRunAction(action)) {
      const lane = (next.lanes[action.pr] ??= {
        running: null,
        cancelRequested: false,
        pending: [],
      });
      dropped.push(...lane.pending);
      lane.pending = [action];
    }
  }
  return { queue: next, abort, dropped };
}

/** Moves the next pending run of every idle lane to running; returns the runs to start now. */
export function takeReady(queue: WorkQueue): { queue: WorkQueue; start: RunAction[] } {
  const next = structuredClone(queue);
  const start: RunAction[] = [];
  for (const key of Object.keys(next.lanes).sort((a, b) => Number(a) - Number(b))) {
    const lane = next.lanes[Number(key)]!;
    if (lane.running || lane.pending.length === 0) continue;
    lane.running = lane.pending.shift()!;
    lane.cancelRequested = false;
    start.push(lane.running);
  }
  return { queue: next, start };
}

/** The executor finished (or aborted) `runId`; idle empty lanes are removed. */
export function complete(queue: WorkQueue, pr: number, runId: string): WorkQueue {
  const next = structuredClone(queue);
  const lane = next.lanes[pr];
  if (!lane || lane.running?.runId !== runId) return next;
  lane.running = null;
  lane.cancelRequested = false;
  if (lane.pending.length === 0) delete next.lanes[pr];
  return next;
}

export function isIdle(queue: WorkQueue): boolean {
  return Object.keys(queue.lanes).length === 0;
}
