import type { RunAction, RunFinishedEvent } from '../../core/actions.js';
import { redact } from '../../core/redact.js';
import type { RunObserver } from '../../runtime/run-executor.js';

export interface RunLine {
  /** 1-based, per run: the SSE event id, so a reconnecting browser resumes after it. */
  seq: number;
  /** Epoch ms. */
  at: number;
  text: string;
}

export interface RunRecord {
  runId: string;
  pr: number;
  kind: RunAction['kind'];
  sha: string | null;
  startedAt: number;
  endedAt: number | null;
  outcome: 'running' | RunFinishedEvent['outcome'];
  error: string | null;
  lines: RunLine[];
  /** Lines dropped from the head of a run longer than `maxLines`. */
  dropped: number;
}

export type RunListener = (event: { line?: RunLine; end?: RunRecord }) => void;

export interface RunLogOptions {
  /** Every secret value: each line is redacted with them, as the logger redacts. */
  secrets: Iterable<string>;
  /** Finished runs kept (oldest forgotten first); default 200. */
  maxFinishedRuns?: number;
  /** Lines kept per run (the newest); default 2,000. */
  maxLines?: number;
  /** Most characters of one line; default 2,000. */
  maxLineChars?: number;
  clock?: () => number;
}

/**
 * The output of the bot's runs, in memory: each run's step lines, redacted when recorded, for
 * the dashboard's run pages and their live stream. Retention is bounded in runs and lines; a
 * restarted bot starts empty (the world keeps each env's step records).
 */
export class RunLog implements RunObserver {
  private readonly runs = new Map<string, RunRecord>();
  private readonly listeners = new Map<string, Set<RunListener>>();
  private readonly secrets: string[];
  private readonly clock: () => number;

  constructor(private readonly options: RunLogOptions) {
    this.secrets = [...options.secrets];
    this.clock = options.clock ?? Date.now;
  }

  started(run: RunAction): void {
    this.runs.set(run.runId, {
      runId: run.runId,
      pr: run.pr,
      kind: run.kind,
      sha: 'sha' in run ? run.sha : null,
      startedAt: this.clock(),
      endedAt: null,
      outcome: 'running',
      error: null,
      lines: [],
      dropped: 0,
    });
    this.prune();
  }

  line(runId: string, text: string): void {
    const run = this.runs.get(runId);
    if (!run || run.endedAt !== null) return;
    const max = this.options.maxLineChars ?? 2_000;
    const clean = redact(text, this.secrets).replace(/[\r\n]+/g, ' ');
    const seq = run.dropped + run.lines.length + 1;
    const line: RunLine = { seq, at: this.clock(), text: clean.slice(0, max) };
    run.lines.push(line);
    if (run.lines.length > (this.options.maxLines ?? 2_000)) {
      run.lines.shift();
      run.dropped++;
    }
    this.emit(runId, { line });
  }

  finished(runId: string, outcome: RunFinishedEvent['outcome'], error?: string): void {
    const run = this.runs.get(runId);
    if (!run || run.endedAt !== null) return;
    run.endedAt = this.clock();
    run.outcome = outcome;
    run.error = error === undefined ? null : redact(error, this.secrets);
    this.emit(runId, { end: run });
    this.listeners.delete(runId);
    this.prune();
  }

  get(runId: string): RunRecord | undefined {
    return this.runs.get(runId);
  }

  /** Kept runs, newest first; with `pr`, only that PR's. */
  list(pr?: number): RunRecord[] {
    const all = [...this.runs.values()].filter((r) => pr === undefined || r.pr === pr);
    return all.reverse();
  }

  /** Calls `listener` for each new line and once at the end; returns the unsubscribe. */
  subscribe(runId: string, listener: RunListener): () => void {
    let set = this.listeners.get(runId);
    if (!set) this.listeners.set(runId, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  private emit(runId: string, event: Parameters<RunListener>[0]): void {
    for (const listener of this.listeners.get(runId) ?? []) {
      try {
        listener(event);
      } catch {
        // A listener is a browser's stream; one that fails must not stop the run.
      }
    }
  }

  private prune(): void {
    const max = this.options.maxFinishedRuns ?? 200;
    const finished = [...this.runs.values()].filter((r) => r.endedAt !== null);
    for (const run of finished.slice(0, Math.max(0, finished.length - max)))
      this.runs.delete(run.runId);
  }
}
