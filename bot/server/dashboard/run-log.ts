import type { Logger } from '../../core/logger.js';
import { envName } from '../../core/model.js';
import { redact } from '../../core/redact.js';
import type { ObservedRun, RunObserver } from '../../runtime/run-executor.js';
import type { RunLine, RunRecord, StateStore } from '../../adapters/store/state-store.js';

/**
 * Most bytes of one kept run's lines (the newest are kept): under Consul's 512 KiB value limit,
 * and bounds what the kept runs weigh in memory (the bot reads them all at start).
 */
export const KEPT_RUN_BYTES = 128 * 1024;

/** How long and how many finished runs are kept across restarts (`PRENV_RUN_LOG_*`). */
export interface RunLogRetention {
  runs: number;
  /** ms */
  maxAgeMs: number;
}

export type { RunLine, RunRecord } from '../../adapters/store/state-store.js';

export type RunListener = (event: { line?: RunLine; end?: RunRecord }) => void;

export interface RunLogOptions {
  /** Every secret value: each line is redacted with them, as the logger redacts. */
  secrets: Iterable<string>;
  /** Finished runs kept (oldest forgotten first), in memory and in `store`; default 200 runs, 30 days. */
  retention?: RunLogRetention;
  /** Where finished runs are kept across restarts; none: in memory only. */
  store?: Pick<StateStore, 'keepRun' | 'keptRuns'>;
  logger?: Logger;
  /** Lines kept per run (the newest); default 2,000. */
  maxLines?: number;
  /** Most characters of one line; default 2,000. */
  maxLineChars?: number;
  clock?: () => number;
}

/**
 * The output of the bot's runs: each run's step lines, redacted when recorded, for the
 * dashboard's run pages and their live stream. Finished runs are kept in the state store
 * (`keepRun`) and read back at start (`restore`); retention is bounded in runs, age, lines and
 * bytes.
 */
export class RunLog implements RunObserver {
  private readonly runs = new Map<string, RunRecord>();
  private readonly listeners = new Map<string, Set<RunListener>>();
  private readonly secrets: string[];
  private readonly clock: () => number;
  private readonly retention: RunLogRetention;
  private kept: Promise<void> = Promise.resolve();

  constructor(private readonly options: RunLogOptions) {
    this.secrets = [...options.secrets];
    this.clock = options.clock ?? Date.now;
    this.retention = options.retention ?? DEFAULT_RUN_LOG_RETENTION;
  }

  /** Reads the runs kept by an earlier bot (before any run starts); older ones than retention are left out. */
  async restore(): Promise<void> {
    if (!this.options.store) return;
    const since = this.clock() - this.retention.maxAgeMs;
    const kept = (await this.options.store.keptRuns())
      .filter((r) => (r.endedAt ?? 0) >= since)
      .slice(0, this.retention.runs);
    for (const run of kept.reverse())
      if (!this.runs.has(run.runId)) this.runs.set(run.runId, withEnvironment(run));
  }

  /** Resolves when every finished run so far was written to the store (or its failure logged). */
  flushed(): Promise<void> {
    return this.kept;
  }

  started(run: ObservedRun): void {
    const cluster = run.kind === 'deploy_environment';
    this.runs.set(run.runId, {
      runId: run.runId,
      environment: cluster ? run.environment : envName(run.pr),
      pr: cluster ? null : run.pr,
      kind: cluster ? 'deploy' : run.kind,
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

  line(runId: string, text: string, note?: 'note'): void {
    const run = this.runs.get(runId);
    if (!run || run.endedAt !== null) return;
    const max = this.options.maxLineChars ?? 2_000;
    const clean = redact(text, this.secrets).replace(/[\r\n]+/g, ' ');
    const seq = run.dropped + run.lines.length + 1;
    const line: RunLine = {
      seq,
      at: this.clock(),
      text: clean.slice(0, max),
      ...(note ? { note: true as const } : {}),
    };
    run.lines.push(line);
    if (run.lines.length > (this.options.maxLines ?? 2_000)) {
      run.lines.shift();
      run.dropped++;
    }
    this.emit(runId, { line });
  }

  finished(runId: string, outcome: Parameters<RunObserver['finished']>[1], error?: string): void {
    const run = this.runs.get(runId);
    if (!run || run.endedAt !== null) return;
    run.endedAt = this.clock();
    run.outcome = outcome;
    run.error = error === undefined ? null : redact(error, this.secrets);
    this.emit(runId, { end: run });
    this.listeners.delete(runId);
    this.prune();
    this.keep(run);
  }

  private keep(run: RunRecord): void {
    const store = this.options.store;
    if (!store) return;
    const retention = {
      runs: this.retention.runs,
      endedSince: this.clock() - this.retention.maxAgeMs,
    };
    this.kept = this.kept
      .then(() => store.keepRun(keptPart(run, KEPT_RUN_BYTES), retention))
      .catch((err: unknown) =>
        this.options.logger?.warn('could not keep the run log', {
          runId: run.runId,
          error: (err as Error).message,
        }),
      );
  }

  get(runId: string): RunRecord | undefined {
    return this.runs.get(runId);
  }

  /** Kept runs, newest first; with `environment` (`pr-7`, `production`), only that one's. */
  list(environment?: string): RunRecord[] {
    const all = [...this.runs.values()].filter(
      (r) => environment === undefined || r.environment === environment,
    );
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
    const max = this.retention.runs;
    const finished = [...this.runs.values()].filter((r) => r.endedAt !== null);
    for (const run of finished.slice(0, Math.max(0, finished.length - max)))
      this.runs.delete(run.runId);
  }
}

export const DEFAULT_RUN_LOG_RETENTION: RunLogRetention = { runs: 200, maxAgeMs: 30 * 86_400_000 };

/** A kept run as this prenv records it: runs kept before `environment` existed were PRs' runs. */
function withEnvironment(run: RunRecord): RunRecord {
  return typeof run.environment === 'string' ? run : { ...run, environment: envName(run.pr!) };
}

/** The run with only its newest lines whose texts add up to at most `maxBytes` (UTF-8). */
export function keptPart(run: RunRecord, maxBytes: number): RunRecord {
  let bytes = 0;
  let from = run.lines.length;
  while (from > 0) {
    // Each line's text plus its JSON framing (seq, at, quotes): about 40 bytes.
    const next = bytes + Buffer.byteLength(run.lines[from - 1]!.text) + 40;
    if (next > maxBytes) break;
    bytes = next;
    from--;
  }
  if (from === 0) return run;
  return { ...run, lines: run.lines.slice(from), dropped: run.dropped + from };
}
