/** The figures of `npm run bench:intake`: bench/results/intake.json and its RESULTS.md table. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { format } from 'prettier';
import { CONNECTIONS, REPS, REQUESTS, root } from './settings.js';

export interface Cell {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  lost: number | null;
  failed: number;
  /** Median of the deliveries queued but not yet planned at each run's last answer. */
  unplanned: number | null;
}

/** Medians by server name, then by `c<connections>`. */
export type Table = Record<string, Record<string, Cell>>;

export interface RunInfo {
  table: Table;
  baseline: { name: string; ref: string } | null;
  lostDeliveries: number;
  failedRequests: number;
  loadBefore: number[];
  bodyBytes: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function buildReport(run: RunInfo) {
  const at = (name: string, c: number) => run.table[name]?.[`c${c}`];
  const ratio = (a: number | undefined, b: number | undefined) => (a && b ? round2(a / b) : null);
  const base = run.baseline;
  return {
    ratioToProbotC10: ratio(at('prenv', 10)?.perSecond, at('probot', 10)?.perSecond),
    ratioToBareC10: ratio(at('prenv', 10)?.perSecond, at('bare', 10)?.perSecond),
    /** prenv against the durable ceiling (node:http + prenv's synced group commit, nothing else). */
    ratioToDurableCeilingC10: ratio(at('prenv', 10)?.perSecond, at('durable', 10)?.perSecond),
    /**
     * The durable ceiling against Probot: what an intake answering after a synced commit can
     * reach here. Under 1.3, the machine's disk, not prenv's code, keeps the target out of reach.
     */
    durableCeilingToProbotC10: ratio(at('durable', 10)?.perSecond, at('probot', 10)?.perSecond),
    p99MsC50: at('prenv', 50)?.p99Ms ?? null,
    lostDeliveries: run.lostDeliveries,
    failedRequests: run.failedRequests,
    unplannedAtEndC50: at('prenv', 50)?.unplanned ?? null,
    targets: {
      ratioToProbotC10: '>= 1.3',
      p99MsC50: '< 50',
      lostDeliveries: '0',
    },
    baseline: base
      ? {
          ref: base.ref,
          ratioToProbotC10: ratio(at(base.name, 10)?.perSecond, at('probot', 10)?.perSecond),
          p99MsC50: at(base.name, 50)?.p99Ms ?? null,
          lostDeliveries: CONNECTIONS.reduce((sum, c) => sum + (at(base.name, c)?.lost ?? 0), 0),
        }
      : null,
    machine: {
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadAverageBefore: run.loadBefore.map(round2),
      loadAverageAfter: os.loadavg().map(round2),
    },
    requests: REQUESTS,
    repetitions: REPS,
    bodyBytes: run.bodyBytes,
    servers: run.table,
  };
}

export type Report = ReturnType<typeof buildReport>;

/** Whether the issue's targets are met (and nothing failed). */
export function targetsMet(r: Report): boolean {
  return (
    (r.ratioToProbotC10 ?? 0) >= 1.3 &&
    (r.p99MsC50 ?? Infinity) < 50 &&
    r.lostDeliveries === 0 &&
    r.failedRequests === 0
  );
}

/** Writes bench/results/intake.json and the intake section of bench/RESULTS.md. */
export async function writeReport(r: Report): Promise<void> {
  const resultsDir = path.join(root, 'bench/results');
  writeFileSync(path.join(resultsDir, 'intake.json'), `${JSON.stringify(r, null, 2)}\n`);
  await writeResultsTable(r);
}

/** Replaces the intake section of bench/RESULTS.md (between its markers), keeping the rest. */
async function writeResultsTable(r: Report): Promise<void> {
  const file = path.join(root, 'bench/RESULTS.md');
  const cell = (name: string, c: number) => {
    const run = r.servers[name]?.[`c${c}`];
    return run ? `${run.perSecond.toLocaleString('en')}/s, p99 ${run.p99Ms} ms` : '–';
  };
  const names = Object.keys(r.servers);
  const unplanned = (c: number) => r.servers.prenv?.[`c${c}`]?.unplanned ?? '–';
  const lines = [
    '<!-- intake:start -->',
    '## Webhook intake (`npm run bench:intake`)',
    '',
    `Signed ${Math.round(r.bodyBytes / 1024)} KB \`pull_request.opened\`, a new \`X-GitHub-Delivery\` per request, keep-alive loopback, ${REQUESTS.toLocaleString('en')} requests × ${REPS} repetitions (medians); ${r.machine.cores} cores (${r.machine.cpu}), Node ${r.machine.node}, load average ${r.machine.loadAverageBefore.join(' / ')} before the run and ${r.machine.loadAverageAfter.join(' / ')} after. prenv keeps every delivery in SQLite on disk before answering; \`durable\` is node:http plus prenv's SQLite store queueing a fixed event in synced groups (no signature check, parse, mapping or planning), what an intake that answers only after a synced commit reaches here when it does nothing else; the others store nothing.`,
    '',
    `| connections | ${names.join(' | ')} |`,
    `| --- | ${names.map(() => '---').join(' | ')} |`,
    ...CONNECTIONS.map((c) => `| ${c} | ${names.map((n) => cell(n, c)).join(' | ')} |`),
    '',
    `prenv ÷ Probot at 10 connections: **${r.ratioToProbotC10}** (target ≥ 1.3${r.baseline ? `; baseline ${r.baseline.ratioToProbotC10}` : ''}); ÷ bare node:http: ${r.ratioToBareC10}; ÷ the durable ceiling: ${r.ratioToDurableCeilingC10}; the durable ceiling ÷ Probot: **${r.durableCeilingToProbotC10}**; p99 at 50 connections: **${r.p99MsC50} ms** (target < 50${r.baseline ? `; baseline ${r.baseline.p99MsC50} ms` : ''}); deliveries answered but not queued: **${r.lostDeliveries}**${r.baseline ? ` (baseline ${r.baseline.lostDeliveries})` : ''}.`,
    '',
    `While webhooks come in, prenv plans at a lower priority (at most one delivery per 5 ms): deliveries queued but not yet planned at the last answer of a run (median), at ${CONNECTIONS.map((c) => `${c} connection${c === 1 ? '' : 's'}: ${unplanned(c)}`).join(', ')}. They are planned once the storm passes; nothing is lost, and the next run starts with them still queued.`,
    '<!-- intake:end -->',
  ];
  const section = lines.join('\n');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const marked = /<!-- intake:start -->[\s\S]*<!-- intake:end -->/;
  const text = marked.test(old) ? old.replace(marked, section) : `${old.trimEnd()}\n\n${section}\n`;
  // Formatted as the repository's `prettier --check` expects.
  writeFileSync(file, await format(text, { parser: 'markdown' }));
}
