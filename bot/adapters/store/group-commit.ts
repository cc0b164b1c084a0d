import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import {
  markAdmitted,
  type AdmissionContext,
  type IntakeOutcome,
  type RawDelivery,
} from '../github/intake-outcome.js';

/** One write of a group, as the writer thread runs it (data only: it crosses threads). */
export type GroupWrite = StoreWrite | AdmitWrite;

/** A write of rows, answered with the rows it changed. */
export type StoreWrite =
  | { kind: 'enqueue'; id: string; name: string; payload: string; receivedAt: number }
  | { kind: 'complete'; id: string }
  | { kind: 'fail'; id: string; error: string; retryAt: number; deadAt: number | null }
  | { kind: 'saveWorld'; json: string; expectedVersion: number }
  /** The world saved and the delivery completed together: 1 saved, 0 conflict, -1 already done. */
  | { kind: 'saveWorldFor'; json: string; expectedVersion: number; id: string };

/**
 * A raw delivery to judge (`admitDelivery`) on the writer thread, then enqueue when admitted:
 * the signature check, the parse and the mapping stay off the event loop.
 */
export interface AdmitWrite extends RawDelivery {
  kind: 'admit';
  context: AdmissionContext;
}

/** What each kind of write answers: inserted or changed rows (1 or 0), and an admit's outcome. */
type Outcome =
  | { ok: true; changes: number; admitted?: IntakeOutcome }
  /** `admitted`: an admit write whose delivery was admitted, then not queued. */
  | { ok: false; message: string; code?: string; admitted?: boolean };

/** The writer thread's answer to a group: one outcome per write, or one for all. */
interface Reply {
  outcomes?: Outcome[];
  group?: Outcome;
  /** With `group`: which writes were admitted deliveries. */
  admitted?: boolean[];
}

/**
 * How long a write of the worker (anything but `enqueue`) waits for a delivery's enqueue to
 * share its commit, in ms. A request waits for the commit in flight before its own: when the
 * worker's commit went first, every delivery cost two syncs at one connection.
 */
export const WORKER_WRITE_WAIT_MS = 2;

/**
 * Groups sent to the writer thread and not yet answered, at most. The writer judges and commits
 * a group while the groups before it are being synced, and one sync covers every group
 * committed before it began; more in flight only made groups smaller (16 measured no faster
 * than 3 with `npm run bench:intake`).
 */
const MAX_GROUPS_IN_FLIGHT = 3;

/** Writes a webhook request waits on: they are sent at the end of the turn, never held. */
const INTAKE_KINDS: ReadonlySet<GroupWrite['kind']> = new Set(['enqueue', 'admit']);

/**
 * Where the writer thread loads `admitDelivery` from: the module beside this one, compiled
 * (dist/) or, when this file runs from the TypeScript sources, through tsx's `tsImport`.
 */
function admissionModule(): { admission: string; tsx?: string } {
  const fromSources = import.meta.url.endsWith('.ts');
  const admission = new URL(
    `../github/webhook-admission.${fromSources ? 'ts' : 'js'}`,
    import.meta.url,
  );
  return fromSources
    ? { admission: admission.href, tsx: import.meta.resolve('tsx/esm/api') }
    : { admission: admission.href };
}

interface Pending {
  write: GroupWrite;
  resolve: (outcome: Extract<Outcome, { ok: true }>) => void;
  reject: (err: unknown) => void;
}

/**
 * The writer thread: its own connection to the file, one transaction per group. Written as a
 * string so it runs the same from the TypeScript sources (tests) and from dist/.
 */
const WRITER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 5000');
// NORMAL: a commit writes the WAL without syncing it; committed groups are then synced by
// sync below, off this thread, while the next group is judged and written. A group is
// answered only once a sync that began after its commit has returned, so what it answered is
// on disk as with FULL. (NORMAL still syncs the WAL before each checkpoint: sqlite.org/wal.html.)
db.pragma('synchronous = NORMAL');
const walPath = workerData.file + '-wal';
let wal = null;
// The WAL as a file of its own, opened again if it was replaced since (same path, new inode).
const walFd = () => {
  const now = fs.statSync(walPath);
  if (wal && wal.ino === now.ino && wal.dev === now.dev) return wal.fd;
  if (wal) fs.closeSync(wal.fd);
  const fd = fs.openSync(walPath, 'r');
  const st = fs.fstatSync(fd);
  wal = { fd, ino: st.ino, dev: st.dev };
  return fd;
};
// Committed groups wait here for a sync of the WAL begun after their commit; one sync runs at
// a time and covers every group committed before it began. Answers go out in commit order.
let waiting = [];
let syncing = false;
const sync = () => {
  if (syncing || waiting.length === 0) return;
  syncing = true;
  const covered = waiting;
  waiting = [];
  const done = (err) => {
    for (const w of covered) parentPort.postMessage(err ? w.failed(err) : w.reply);
    syncing = false;
    sync();
    if (!syncing) for (const resolve of drained.splice(0)) resolve();
  };
  let fd;
  try { fd = walFd(); } catch (err) { done(err); return; }
  fs.fdatasync(fd, (err) => done(err));
};
const answer = (reply, failed = (err) => ({ group: failure(err) })) => {
  waiting.push({ reply, failed });
  sync();
};
// Resolved once every committed group was answered.
const drained = [];
const answered = () => (syncing || waiting.length > 0 ? new Promise((resolve) => drained.push(resolve)) : undefined);
const statements = {
  enqueue: db.prepare('INSERT OR IGNORE INTO deliveries (id, name, payload, received_at) VALUES (?, ?, ?, ?)'),
  complete: db.prepare('UPDATE deliveries SET done = 1, payload = NULL WHERE id = ?'),
  doneOf: db.prepare('SELECT done FROM deliveries WHERE id = ?'),
  fail: db.prepare('UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, dead_at = ? WHERE id = ? AND done = 0'),
  insertWorld: db.prepare('INSERT OR IGNORE INTO world (id, version, json) VALUES (1, 1, ?)'),
  updateWorld: db.prepare('UPDATE world SET version = version + 1, json = ? WHERE id = 1 AND version = ?'),
};
const run = (w) => {
  switch (w.kind) {
    case 'enqueue': return statements.enqueue.run(w.id, w.name, w.payload, w.receivedAt).changes;
    case 'complete': return statements.complete.run(w.id).changes;
    case 'fail': return statements.fail.run(w.error, w.retryAt, w.deadAt, w.id).changes;
    case 'saveWorld':
      return (w.expectedVersion === 0
        ? statements.insertWorld.run(w.json)
        : statements.updateWorld.run(w.json, w.expectedVersion)).changes;
    case 'saveWorldFor': {
      const row = statements.doneOf.get(w.id);
      if (!row || row.done !== 0) return -1;
      const saved = (w.expectedVersion === 0
        ? statements.insertWorld.run(w.json)
        : statements.updateWorld.run(w.json, w.expectedVersion)).changes;
      if (saved !== 1) return 0;
      statements.complete.run(w.id);
      return 1;
    }
  }
  throw new Error('unknown write ' + w.kind);
};
const failure = (err) => ({ ok: false, message: String(err && err.message || err), code: err && err.code });
// Loaded by the first delivery: from the TypeScript sources (tests) through tsx, else from dist/.
let admission = null;
const admitDelivery = async (...args) => {
  admission ??= workerData.tsx
    ? import(workerData.tsx).then((tsx) => tsx.tsImport(workerData.admission, workerData.admission))
    : import(workerData.admission);
  return (await admission).admitDelivery(...args);
};
// ignoreBOM: a leading BOM stays in the text, as Buffer.toString keeps it on the other path.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
// An admit write becomes the enqueue of its event, or an outcome of its own when not admitted.
const admit = async (w) => {
  const verdict = await admitDelivery(w.name, decoder.decode(w.body), w.signature, w.context);
  if (verdict.kind !== 'admitted') return { outcome: { ok: true, changes: 0, admitted: verdict } };
  const event = verdict.event;
  return { event: event.kind, write: { kind: 'enqueue', id: w.id, name: event.kind, payload: JSON.stringify(event), receivedAt: w.receivedAt } };
};
let busy = Promise.resolve();
parentPort.on('message', (writes) => {
  busy = busy.then(() => commit(writes)).catch((err) => answer({ group: failure(err) }));
});
const commit = async (writes) => {
  if (writes === 'close') {
    await answered();
    db.close();
    if (wal) fs.closeSync(wal.fd);
    parentPort.close();
    return;
  }
  const judged = [];
  for (const w of writes) {
    if (w.kind !== 'admit') { judged.push({ write: w }); continue; }
    try { judged.push(await admit(w)); } catch (err) { judged.push({ outcome: failure(err) }); }
  }
  const outcomes = [];
  try {
    // IMMEDIATE: the write lock is taken at BEGIN, waiting under busy_timeout. A deferred
    // transaction that read first (saveWorldFor) and then found that the main connection wrote
    // meanwhile (a slot sample, a kept run) failed at once as busy, and every write with it.
    db.transaction(() => {
      for (const j of judged) {
        if (j.outcome) { outcomes.push(j.outcome); continue; }
        try {
          const changes = run(j.write);
          outcomes.push(j.event
            ? { ok: true, changes, admitted: { kind: changes === 1 ? 'queued' : 'duplicate', event: j.event } }
            : { ok: true, changes });
        } catch (err) { outcomes.push({ ...failure(err), admitted: Boolean(j.event) }); }
      }
    }).immediate();
  } catch (err) {
    answer({ group: failure(err), admitted: judged.map((j) => Boolean(j.event)) });
    return;
  }
  const failed = (err) => ({ group: failure(err), admitted: judged.map((j) => Boolean(j.event)) });
  answer({ outcomes }, failed);
};
`;

/**
 * Group commit: the writes asked for in one turn of the event loop (or while earlier groups were
 * in flight) go to disk together, in one SQLite transaction whose WAL is then synced; that sync,
 * not the SQL, is what a write costs. The commits run on a thread of their own, so the event
 * loop goes on reading requests meanwhile, and the syncs run off that thread too, so the next
 * group is judged and written while the one before is being synced. Each write's promise
 * settles only after a sync begun after its group's commit returned, so an answer given on it
 * is on disk. Writes run in the order asked; one that throws rejects alone
 * (SQLite undoes just that statement); a commit that fails rejects its whole group. `before`
 * runs before each group is sent (a check that throws rejects the group). A group of the
 * worker's writes alone waits `WORKER_WRITE_WAIT_MS` for a delivery to ride with.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  /** Groups sent and not yet answered, oldest first: the writer answers them in order. */
  private inFlight: Pending[][] = [];
  /** Started by the first group: a process that only reads (`prenv list`) never starts it. */
  private worker: Worker | null = null;
  private closed: Promise<void> | null = null;
  private timer: ReturnType<typeof setImmediate> | null = null;
  private workerTimer: ReturnType<typeof setTimeout> | null = null;
  private exited = false;

  constructor(
    private readonly file: string,
    private readonly before: () => void = () => {},
  ) {}

  private started(): Worker {
    if (this.worker) return this.worker;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WRITER, {
      eval: true,
      workerData: { file: this.file, driver, ...admissionModule() },
    });
    worker.unref();
    worker.on('message', (reply: Reply) => this.settle(reply));
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', () => {
      this.exited = true;
      this.failAll(new Error('the state writer stopped'));
    });
    this.worker = worker;
    return worker;
  }

  /** Queues one write; resolves with the rows it changed, once its group is committed. */
  async write(write: StoreWrite): Promise<number> {
    return (await this.queued(write)).changes;
  }

  /**
   * Judges a raw delivery on the writer thread and, when admitted, enqueues it in the next
   * group; resolves once that group is committed (at once for one not admitted).
   */
  async admit(write: AdmitWrite): Promise<IntakeOutcome> {
    const outcome = await this.queued(write);
    if (!outcome.admitted) throw new Error('the state writer gave no admission');
    return outcome.admitted;
  }

  private queued(write: GroupWrite): Promise<Extract<Outcome, { ok: true }>> {
    if (this.closed) return Promise.reject(new Error('the state store is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      this.schedule();
    });
  }

  /** Commits what is queued, then stops the thread. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      if (!this.worker && this.queue.length === 0) {
        this.exited = true;
        return;
      }
      const worker = this.started();
      while (!this.exited && (this.inFlight.length > 0 || this.queue.length > 0)) {
        await new Promise<void>((resolve) => worker.once('message', () => resolve()));
      }
      if (this.exited) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.ref();
      worker.postMessage('close');
      await exited;
    })();
    return this.closed;
  }

  /**
   * Sends the queue as the next group at the end of this turn, unless `MAX_GROUPS_IN_FLIGHT`
   * groups are in flight (then when the oldest is answered).
   */
  private schedule(): void {
    if (this.full || this.timer || this.queue.length === 0) return;
    if (!this.closed && this.queue.every((p) => !INTAKE_KINDS.has(p.write.kind))) {
      this.workerTimer ??= setTimeout(() => {
        this.workerTimer = null;
        if (!this.full && !this.timer) this.send();
      }, WORKER_WRITE_WAIT_MS);
      return;
    }
    if (this.workerTimer) clearTimeout(this.workerTimer);
    this.workerTimer = null;
    this.timer = setImmediate(() => {
      this.timer = null;
      this.send();
    });
  }

  private get full(): boolean {
    return this.inFlight.length >= MAX_GROUPS_IN_FLIGHT;
  }

  private send(): void {
    const group = this.queue;
    this.queue = [];
    if (group.length === 0) return;
    try {
      this.before();
    } catch (err) {
      for (const p of group) p.reject(err);
      return;
    }
    this.inFlight.push(group);
    const worker = this.started();
    worker.ref();
    worker.postMessage(group.map((p) => p.write));
  }

  private settle(reply: Reply): void {
    const group = this.inFlight.shift() ?? [];
    if (this.inFlight.length === 0) this.worker?.unref();
    group.forEach((p, i) => {
      const outcome = reply.outcomes?.[i] ?? reply.group;
      if (outcome?.ok) p.resolve(outcome);
      else if (outcome?.admitted || reply.admitted?.[i]) p.reject(markAdmitted(toError(outcome)));
      else p.reject(toError(outcome));
    });
    this.schedule();
  }

  private failAll(err: unknown): void {
    const group = [...this.inFlight.flat(), ...this.queue];
    this.inFlight = [];
    this.queue = [];
    for (const p of group) p.reject(err);
  }
}

function toError(outcome: Outcome | undefined): Error {
  if (!outcome || outcome.ok) return new Error('the state writer gave no answer');
  return Object.assign(new Error(outcome.message), outcome.code ? { code: outcome.code } : {});
}
