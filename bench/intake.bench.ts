/**
 * `npm run bench:intake`: webhook intake of `prenv serve` against Probot 14, @octokit/webhooks'
 * Node middleware, bare node:http and the durable ceiling (bare node:http plus prenv's synced
 * SQLite group commit, nothing else), all started in one run on this machine.
 *
 * Every request is a signed ≈ 23 KB `pull_request.opened` (the @octokit/webhooks-examples
 * payload, padded to size in the PR body) with a new `X-GitHub-Delivery`, sent by autocannon
 * over keep-alive loopback connections: 1, 10 and 50 connections, `BENCH_REQUESTS` (3,000)
 * requests each, `BENCH_REPS` (3) repetitions. Every server runs in its own process; prenv
 * keeps its durable SQLite state on the real disk (not tmpfs) and runs its worker as in
 * production, so planning shares the process with the intake (at a lower priority while
 * requests come in). After each prenv run the queue is counted from the state file: every
 * delivery answered 202 must be in it (`lostDeliveries`), and those not yet planned are reported
 * (`unplanned`).
 *
 * The baseline is the same benchmark against prenv built from `BENCH_BASELINE_REF` (default:
 * the commit before deliveries were committed in groups), checked out with `git archive` into
 * a folder beside the results and compiled there; `BENCH_BASELINE_REF=none` skips it.
 *
 * The parts: intake/settings.ts (sizes), intake/load.ts (the request and autocannon),
 * intake/servers.ts (starting each server), intake/comparison-server.ts (Probot, the middleware,
 * bare node:http), support/baseline.ts (the baseline checkout), intake/report.ts (the figures).
 *
 * Writes bench/results/intake.json (medians over the repetitions; the targets: prenv ≥ 1.3×
 * Probot's deliveries/s at 10 connections, p99 < 50 ms at 50) and the intake table of
 * bench/RESULTS.md. Run it on a quiet machine: the load average is recorded beside the figures.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkoutBaseline } from './support/baseline.js';
import { drive, median, request, type Run } from './intake/load.js';
import { buildReport, targetsMet, writeReport, type Table } from './intake/report.js';
import { startComparison, startPrenv, stop, type Server } from './intake/servers.js';
import { BASELINE_REF, CONNECTIONS, REPS, root } from './intake/settings.js';

const req = await request();
execFileSync('bash', [path.join(root, 'scripts/build.sh')], { cwd: root, stdio: 'inherit' });
// On the real disk: a tmpfs would hide the cost of every fsync.
const work = mkdtempSync(path.join(root, 'bench/results/.intake-'));
const loadBefore = os.loadavg();
const baselineDir = BASELINE_REF === 'none' ? null : checkoutBaseline(BASELINE_REF, work);
const baselineName = `prenv@${BASELINE_REF}`;

const servers: [string, () => Promise<Server>][] = [
  ['prenv', () => startPrenv('prenv', root, work)],
  ['probot', () => startComparison('probot')],
  ['octokit', () => startComparison('octokit')],
  ['bare', () => startComparison('bare')],
  ['durable', () => startComparison('durable', work)],
];
if (baselineDir)
  servers.splice(1, 0, [baselineName, () => startPrenv('baseline', baselineDir, work)]);

const table: Table = {};
let lostDeliveries = 0;
let failedRequests = 0;
try {
  for (const [name, start] of servers) {
    const server = await start();
    try {
      // A short warm-up: JIT and the first SQLite pages are not what is measured.
      await drive(server, 10, req);
      table[name] = {};
      for (const connections of CONNECTIONS) {
        const runs: Run[] = [];
        for (let rep = 0; rep < REPS; rep++) runs.push(await drive(server, connections, req));
        const lost = server.queued ? runs.reduce((sum, r) => sum + (r.lost ?? 0), 0) : null;
        const failed = runs.reduce((sum, r) => sum + r.failed, 0);
        if (name === 'prenv') {
          lostDeliveries += lost ?? 0;
          failedRequests += failed;
        }
        table[name][`c${connections}`] = {
          perSecond: median(runs.map((r) => r.perSecond)),
          p50Ms: median(runs.map((r) => r.p50Ms)),
          p99Ms: median(runs.map((r) => r.p99Ms)),
          lost,
          failed,
          unplanned: server.unplanned ? median(runs.map((r) => r.unplanned ?? 0)) : null,
        };
        process.stderr.write(
          `${name} c${connections}: ${JSON.stringify(table[name][`c${connections}`])}\n`,
        );
      }
    } finally {
      await stop(server);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const report = buildReport({
  table,
  baseline: baselineDir ? { name: baselineName, ref: BASELINE_REF } : null,
  lostDeliveries,
  failedRequests,
  loadBefore,
  bodyBytes: Buffer.byteLength(req.body),
});
await writeReport(report);
process.stderr.write(
  `${JSON.stringify({ ...report, servers: undefined }, null, 2)}\nwritten to bench/results/intake.json and bench/RESULTS.md\n`,
);
if (!targetsMet(report)) {
  process.stderr.write('target not met\n');
  process.exitCode = 1;
}
