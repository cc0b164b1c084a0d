import type Database from 'better-sqlite3';

interface Pending {
  write: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Commits the writes asked for during one event-loop turn in one SQLite transaction, so many
 * deliveries share one fsync (with `synchronous = FULL` each commit syncs the WAL, and that sync,
 * not the SQL, is what a write costs). Each write's promise settles only after its group's
 * commit returned, so an answer given on it is on disk. The writes run in the order asked; one
 * that throws rejects alone (SQLite undoes just that statement), a commit that fails rejects the
 * whole group. `before` runs once per group before the writes (a check that fails rejects all).
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly db: Database.Database,
    private readonly before: () => void = () => {},
  ) {}

  write<R>(write: () => R): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // setImmediate runs after the I/O callbacks of this turn: the requests whose bodies
      // arrived together are committed together.
      setImmediate(() => this.flush());
    });
  }

  /** Commits what is queued now (also called before closing). */
  flush(): void {
    this.scheduled = false;
    const group = this.queue;
    this.queue = [];
    if (group.length === 0) return;
    const results: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.before();
      this.db.transaction(() => {
        for (const p of group) {
          try {
            results.push({ ok: true, value: p.write() });
          } catch (error) {
            results.push({ ok: false, error });
          }
        }
      })();
    } catch (error) {
      for (const p of group) p.reject(error);
      return;
    }
    group.forEach((p, i) => {
      const r = results[i]!;
      if (r.ok) p.resolve(r.value);
      else p.reject(r.error);
    });
  }
}
