/**
 * `npm run bench:intake`: webhook intake of `prenv serve` against Probot 14, @octokit/webhooks'
 * Node middleware and bare node:http, all started in one run on this machine.
 *
 * Every request is a signed ≈ 23 KB `pull_request.opened` (the @octokit/webhooks-examples
 * payload, padded to size in the PR body) with a new `X-GitHub-Delivery`, sent by autocannon
 * over keep-alive loopback connections: 1, 10 and 50 connections, `BENCH_REQUESTS` (3,000)
 * requests each, `BENCH_REPS` (3) repetitions. Every server runs in its own process; prenv
 * keeps its durable SQLite state on the real disk (not tmpfs) and runs its worker as in
 * production, so planning shares the process with the intake. After each prenv run the queue
 * is counted from the state file: every delivery answered 202 must be in it (`lostDeliveries`).
 *
 * The baseline is the same benchmark against prenv built from `BENCH_BASELINE_REF` (default:
 * the commit before deliveries were committed in groups), checked out with `git archive` into
 * a folder beside the results and compiled there; `BENCH_BASELINE_REF=none` skips it.
 *
 * Writes bench/results/intake.json (medians over the repetitions; the targets: prenv ≥ 1.3×
 * Probot's deliveries/s at 10 connections, p99 < 50 ms at 50) and the intake table of
 * bench/RESULTS.md. Run it on a quiet machine: the load average is recorded beside the figures.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { format } from 'prettier';
import { inRepository, realPayload, signedDelivery } from '../test/support/webhook-examples.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const REPS = Number(process.env.BENCH_REPS ?? 3);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3_000);
const CONNECTIONS = [1, 10, 50];
const BODY_BYTES = 23 * 1024;
const SECRET = 'intake-bench-webhook-secret';
const REPOSITORY = 'aipacto/aipacto';
const BASELINE_REF = process.env.BENCH_BASELINE_REF ?? '6b79a5b';
const EXAMPLE_CONFIG = path.join(root, 'examples/aipacto/prenv.yml');

interface AutocannonResult {
  latency: { p50: number; p99: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

interface Server {
  name: string;
  port: number;
  child: ChildProcess;
  /** Deliveries in the queue (prenv only). */
  queued?: () => number;
}

interface Run {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  accepted: number;
  failed: number;
  lost: number | null;
}

/** The request body: a real `pull_request.opened`, its PR body padded to `BODY_BYTES`. */
async function request(): Promise<{ body: string; headers: Record<string, string> }> {
  const payload = inRepository(
    realPayload('pull_request', 'opened', (p) => !(p.pull_request as { draft: boolean }).draft),
    REPOSITORY,
  );
  const pull = payload.pull_request as { body: string | null };
  const size = Buffer.byteLength(JSON.stringify(payload));
  pull.body = `${pull.body ?? ''}${'x'.repeat(Math.max(0, BODY_BYTES - size))}`;
  return signedDelivery('pull_request', payload, SECRET, 'set-per-request');
}

function waitForPort(child: ChildProcess, pattern: RegExp, stream: 'stdout' | 'stderr') {
  return new Promise<number>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no port within 60 s:\n${text}`)), 60_000);
    child[stream]!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = pattern.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${text}`)));
  });
}

/** A port nothing listens on now (the kernel's pick, released at once). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Resolves once `port` accepts connections: prenv logs its `listening` line at info, which the
 * benchmark's log level (warn, so logging costs what it costs in a quiet production) hides.
 */
async function waitForListening(child: ChildProcess, port: number): Promise<number> {
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`prenv exited with ${exited} before listening`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return port;
    if (Date.now() > deadline) throw new Error(`prenv did not listen on ${port} within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function startComparison(kind: string): Promise<Server> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'bench/intake-servers.ts'), kind, SECRET],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return { name: kind, port: await waitForPort(child, /"port":(\d+)/, 'stdout'), child };
}

/**
 * `prenv serve` from the checkout at `dir`, its state in `stateDir`: no GitHub token (offline),
 * no reconciler, no Nomad, Consul or Caddy listening and a Terraform that fails at once, so a
 * provision fails fast and is retried later; the intake and the planner do their full work.
 */
async function startPrenv(name: string, dir: string, stateDir: string): Promise<Server> {
  const state = path.join(stateDir, `${name}.db`);
  const unreachable = 'http://127.0.0.1:9';
  const listenPort = await freePort();
  const child = spawn(
    process.execPath,
    [
      path.join(dir, 'bin/prenv.js'),
      'serve',
      '--config',
      EXAMPLE_CONFIG,
      '--port',
      String(listenPort),
    ],
    {
      cwd: stateDir,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        PATH: process.env.PATH,
        PRENV_WEBHOOK_SECRET: SECRET,
        PRENV_STATE: state,
        PRENV_GITHUB_TOKEN: 'ghp_intake_bench',
        PRENV_GITHUB_API_URL: unreachable,
        PRENV_RECONCILE: 'off',
        PRENV_TICK_MS: '3600000',
        PRENV_SETTLE_MS: '0',
        PRENV_LOG_LEVEL: 'warn',
        PRENV_NOMAD_ADDR: unreachable,
        PRENV_CONSUL_ADDR: unreachable,
        PRENV_CADDY_ADMIN: unreachable,
        PRENV_TERRAFORM_BIN: 'false',
        PRENV_TERRAFORM_DIR: stateDir,
      },
    },
  );
  child.stderr!.resume();
  const port = await waitForListening(child, listenPort);
  const db = new Database(state, { readonly: true, fileMustExist: true });
  const count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM deliveries');
  return { name, port, child, queued: () => count.get()!.n };
}

async function drive(
  server: Server,
  connections: number,
  req: { body: string; headers: Record<string, string> },
): Promise<Run> {
  const before = server.queued?.() ?? 0;
  // autocannon ends a run at its next 1 s tick: the time is taken from the responses instead.
  const started = performance.now();
  let last = started;
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}/webhooks/github`,
    connections,
    amount: REQUESTS,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        headers: req.headers,
        body: req.body,
        setupRequest: (r: { headers: Record<string, string> }) => ({
          ...r,
          headers: { ...r.headers, 'x-github-delivery': randomUUID() },
        }),
        onResponse: () => {
          last = performance.now();
        },
      },
    ],
  });
  const accepted = result['2xx'];
  return {
    perSecond: Math.round((accepted * 1000) / (last - started)),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    accepted,
    failed: result.non2xx + result.errors + result.timeouts,
    lost: server.queued ? accepted - (server.queued() - before) : null,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** prenv as of `ref`, compiled in a folder of its own beside `root`'s node_modules; null if absent. */
function checkoutBaseline(ref: string, into: string): string | null {
  try {
    execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], {
      cwd: root,
      stdio: 'ignore',
    });
  } catch {
    process.stderr.write(`baseline ${ref} is not in this clone: skipped\n`);
    return null;
  }
  const dir = path.join(into, 'baseline');
  mkdirSync(dir, { recursive: true });
  execFileSync('bash', ['-c', `git archive ${ref} | tar -x -C "${dir}"`], { cwd: root });
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  execFileSync('bash', [path.join(dir, 'scripts/build.sh')], { cwd: dir, stdio: 'inherit' });
  return dir;
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null) return resolve();
    server.child.once('exit', () => resolve());
    // Nothing to lose: prenv's queue was counted, and its state is durable anyway.
    server.child.kill('SIGKILL');
  });
}

const req = await request();
execFileSync('bash', [path.join(root, 'scripts/build.sh')], { cwd: root, stdio: 'inherit' });
// On the real disk: a tmpfs would hide the cost of every fsync.
const work = mkdtempSync(path.join(root, 'bench/results/.intake-'));
const loadBefore = os.loadavg();
const baselineDir = BASELINE_REF === 'none' ? null : checkoutBaseline(BASELINE_REF, work);

const servers: [string, () => Promise<Server>][] = [
  ['prenv', () => startPrenv('prenv', root, work)],
  ['probot', () => startComparison('probot')],
  ['octokit', () => startComparison('octokit')],
  ['bare', () => startComparison('bare')],
];
if (baselineDir)
  servers.splice(1, 0, [`prenv@${BASELINE_REF}`, () => startPrenv('baseline', baselineDir, work)]);

const table: Record<
  string,
  Record<
    string,
    { perSecond: number; p50Ms: number; p99Ms: number; lost: number | null; failed: number }
  >
> = {};
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

const at = (name: string, c: number) => table[name]?.[`c${c}`];
const ratio = (a: number | undefined, b: number | undefined) =>
  a && b ? Math.round((a / b) * 100) / 100 : null;
const baselineName = baselineDir ? `prenv@${BASELINE_REF}` : null;
const report = {
  ratioToProbotC10: ratio(at('prenv', 10)?.perSecond, at('probot', 10)?.perSecond),
  ratioToBareC10: ratio(at('prenv', 10)?.perSecond, at('bare', 10)?.perSecond),
  p99MsC50: at('prenv', 50)?.p99Ms ?? null,
  lostDeliveries,
  failedRequests,
  targets: {
    ratioToProbotC10: '>= 1.3',
    p99MsC50: '< 50',
    lostDeliveries: '0',
  },
  baseline: baselineName
    ? {
        ref: BASELINE_REF,
        ratioToProbotC10: ratio(at(baselineName, 10)?.perSecond, at('probot', 10)?.perSecond),
        p99MsC50: at(baselineName, 50)?.p99Ms ?? null,
        lostDeliveries: CONNECTIONS.reduce((sum, c) => sum + (at(baselineName, c)?.lost ?? 0), 0),
      }
    : null,
  machine: {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadAverageBefore: loadBefore.map((l) => Math.round(l * 100) / 100),
    loadAverageAfter: os.loadavg().map((l) => Math.round(l * 100) / 100),
  },
  requests: REQUESTS,
  repetitions: REPS,
  bodyBytes: Buffer.byteLength(req.body),
  servers: table,
};
const resultsDir = path.join(root, 'bench/results');
writeFileSync(path.join(resultsDir, 'intake.json'), `${JSON.stringify(report, null, 2)}\n`);
await writeResultsTable(report);
process.stderr.write(
  `${JSON.stringify({ ...report, servers: undefined }, null, 2)}\nwritten to bench/results/intake.json and bench/RESULTS.md\n`,
);
const met =
  (report.ratioToProbotC10 ?? 0) >= 1.3 &&
  (report.p99MsC50 ?? Infinity) < 50 &&
  lostDeliveries === 0 &&
  failedRequests === 0;
if (!met) {
  process.stderr.write('target not met\n');
  process.exitCode = 1;
}

/** Replaces the intake section of bench/RESULTS.md (between its markers), keeping the rest. */
async function writeResultsTable(r: typeof report): Promise<void> {
  const file = path.join(root, 'bench/RESULTS.md');
  const cell = (name: string, c: number) => {
    const run = at(name, c);
    return run ? `${run.perSecond.toLocaleString('en')}/s, p99 ${run.p99Ms} ms` : '–';
  };
  const names = Object.keys(table);
  const lines = [
    '<!-- intake:start -->',
    '## Webhook intake (`npm run bench:intake`)',
    '',
    `Signed ${Math.round(r.bodyBytes / 1024)} KB \`pull_request.opened\`, a new \`X-GitHub-Delivery\` per request, keep-alive loopback, ${REQUESTS.toLocaleString('en')} requests × ${REPS} repetitions (medians); ${r.machine.cores} cores (${r.machine.cpu}), Node ${r.machine.node}, load average ${r.machine.loadAverageBefore.join(' / ')} before the run. prenv keeps every delivery in SQLite on disk before answering; the others store nothing.`,
    '',
    `| connections | ${names.join(' | ')} |`,
    `| --- | ${names.map(() => '---').join(' | ')} |`,
    ...CONNECTIONS.map((c) => `| ${c} | ${names.map((n) => cell(n, c)).join(' | ')} |`),
    '',
    `prenv ÷ Probot at 10 connections: **${r.ratioToProbotC10}** (target ≥ 1.3${r.baseline ? `; baseline ${r.baseline.ratioToProbotC10}` : ''}); ÷ bare node:http: ${r.ratioToBareC10}; p99 at 50 connections: **${r.p99MsC50} ms** (target < 50${r.baseline ? `; baseline ${r.baseline.p99MsC50} ms` : ''}); deliveries answered but not queued: **${r.lostDeliveries}**${r.baseline ? ` (baseline ${r.baseline.lostDeliveries})` : ''}.`,
    '<!-- intake:end -->',
  ];
  const section = lines.join('\n');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const marked = /<!-- intake:start -->[\s\S]*<!-- intake:end -->/;
  const text = marked.test(old) ? old.replace(marked, section) : `${old.trimEnd()}\n\n${section}\n`;
  // Formatted as the repository's `prettier --check` expects.
  writeFileSync(file, await format(text, { parser: 'markdown' }));
}
