import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// An answered write must be on disk: its WAL frames written, then a sync of the WAL begun after
// them and returned before the answer. A process crash cannot show that (the page cache
// survives it), so the system calls themselves are checked: the probe runs under strace, and
// every answer is matched with the writes and the sync it depends on.

const PROBE = fileURLToPath(new URL('./fixtures/answer-probe.ts', import.meta.url));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Call {
  tid: number;
  name: string;
  /** Entry and exit, in µs since the epoch, as strace saw them. */
  start: number;
  end: number;
  text: string;
  result: string;
}

/** Calls of an `strace -f -ttt -T` log, an interrupted call joined with its resumption. */
export function parseStrace(log: string): Call[] {
  const calls: Call[] = [];
  const open = new Map<number, { name: string; start: number; text: string }>();
  const us = (s: string) => Math.round(Number(s) * 1e6);
  for (const line of log.split('\n')) {
    const m = /^(\d+)\s+(\d+\.\d+) (.*)$/.exec(line);
    if (!m) continue;
    const tid = Number(m[1]);
    const start = us(m[2]!);
    const rest = m[3]!;
    const resumed = /^<\.\.\. (\w+) resumed>(.*)$/.exec(rest);
    const finish = (name: string, begun: number, text: string) => {
      const done = /\) += (.*?) <(\d+\.\d+)>$/.exec(text);
      if (done) {
        calls.push({ tid, name, start: begun, end: begun + us(done[2]!), text, result: done[1]! });
      }
    };
    if (resumed) {
      const entry = open.get(tid);
      open.delete(tid);
      if (entry) finish(entry.name, entry.start, entry.text + resumed[2]);
      continue;
    }
    const call = /^(\w+)\(/.exec(rest);
    if (!call) continue;
    if (rest.endsWith('<unfinished ...>')) {
      open.set(tid, { name: call[1]!, start, text: rest.slice(0, -'<unfinished ...>'.length) });
    } else finish(call[1]!, start, rest);
  }
  return calls.sort((a, b) => a.start - b.start);
}

/** The file each (fd, time) names, from the openat/close calls. */
function fileOf(calls: Call[]) {
  const spans: { fd: number; file: string; from: number; to: number }[] = [];
  for (const c of calls) {
    if (c.name === 'openat' && /^\d+$/.test(c.result)) {
      const file = /"([^"]*)"/.exec(c.text)?.[1] ?? '';
      spans.push({ fd: Number(c.result), file, from: c.end, to: Infinity });
    }
    if (c.name === 'close') {
      const fd = Number(/^close\((\d+)/.exec(c.text)?.[1]);
      const span = spans.findLast((s) => s.fd === fd && s.from <= c.start && s.to === Infinity);
      if (span) span.to = c.start;
    }
  }
  return (c: Call) => {
    const fd = Number(/^\w+\((\d+)/.exec(c.text)?.[1]);
    return spans.findLast((s) => s.fd === fd && s.from <= c.start && c.start <= s.to)?.file;
  };
}

function traceProbe(): { calls: Call[]; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'prenv-sync-'));
  dirs.push(dir);
  const log = path.join(dir, 'strace.log');
  const syscalls = 'openat,close,pwrite64,pwritev,write,fdatasync,fsync';
  const strace = ['-f', '-ttt', '-T', '-s', '8192', '-e', `trace=${syscalls}`, '-o', log];
  try {
    execFileSync('strace', [...strace, process.execPath, '--import', 'tsx', PROBE, dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 60_000,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error('strace is not installed: run bash scripts/install-test-tools.sh', {
        cause: err,
      });
    throw err;
  }
  return { calls: parseStrace(readFileSync(log, 'utf8')), dir };
}

describe('the state writer answers a write only once it is synced to disk', () => {
  it('syncs the WAL after each answered delivery was written there, and before its answer', () => {
    const { calls, dir } = traceProbe();
    const file = fileOf(calls);
    const wal = path.join(dir, 'state.db-wal');
    const answers = calls.filter(
      (c) => c.name === 'write' && file(c) === path.join(dir, 'answers.txt'),
    );
    const walWrites = calls.filter((c) => /^pwrite/.test(c.name) && file(c) === wal);
    const walSyncs = calls.filter((c) => /sync$/.test(c.name) && file(c) === wal);
    expect(answers).toHaveLength(60);
    expect(walSyncs.length).toBeGreaterThan(0);
    const unsynced: string[] = [];
    for (const answer of answers) {
      const id = /ANSWERED ([\w-]+)/.exec(answer.text)![1]!;
      // The transaction's frames are written in one run of calls by one thread: the run that
      // first holds the row, up to that thread's next call that is no WAL write.
      const first = walWrites.findIndex((w) => w.text.includes(id));
      expect(first, `${id}: never written to the WAL`).toBeGreaterThanOrEqual(0);
      const own = calls.filter((c) => c.tid === walWrites[first]!.tid);
      let last = own.indexOf(walWrites[first]!);
      while (own[last + 1] && walWrites.includes(own[last + 1]!)) last++;
      const written = own[last]!.end;
      expect(written, `${id}: answered before its frames were written`).toBeLessThan(answer.start);
      const synced = walSyncs.some((s) => s.start >= written && s.end <= answer.start);
      if (!synced) unsynced.push(id);
    }
    expect(unsynced, 'answered with no sync of the WAL between its frames and its answer').toEqual(
      [],
    );
  });

  it('reads strace logs whose calls were interrupted by other threads', () => {
    const log = [
      '10 1.000000 pwrite64(5, "abc", 3, 0) = 3 <0.000010>',
      '11 1.000005 fdatasync(5 <unfinished ...>',
      '10 1.000020 write(7, "ANSWERED x\\n", 11) = 11 <0.000002>',
      '11 1.000300 <... fdatasync resumed>) = 0 <0.000290>',
      '10 1.000400 +++ exited with 0 +++',
    ].join('\n');
    expect(parseStrace(log).map((c) => [c.tid, c.name, c.start, c.end, c.result])).toEqual([
      [10, 'pwrite64', 1_000_000, 1_000_010, '3'],
      [11, 'fdatasync', 1_000_005, 1_000_295, '0'],
      [10, 'write', 1_000_020, 1_000_022, '11'],
    ]);
  });
});
