/**
 * `npm run bench:cli`: start-up of the compiled CLI and idle memory of `prenv serve`.
 *
 * Baseline, measured in the same run: `node -e ''` (bare Node start-up). Measured: `prenv --help`
 * (target ≤ 4× bare Node) and `prenv list --json` against an empty state and a local Nomad
 * double that answers `/v1/jobs` (target ≤ 6×), with prenv.yml unchanged since the last run (the
 * config cache holds it, as on a user's second run) and, for reference, with the cache off.
 * Each command is a new process, as users run it; the commands take turns, one run each per
 * round, so a change of the machine's load falls on all of them alike. `BENCH_BASELINE_REF`
 * (default: the commit before the config cache; `none` skips it) is checked out with
 * `git archive`, compiled, and timed in the same rounds.
 * Then `prenv serve`, a Probot app server (as `probot run` starts it) and an idle
 * `node -e 'setInterval…'` (the floor) take turns: each is started, waited for until it answers
 * HTTP, left idle 3 s, and its resident memory (VmRSS, MiB) read from /proc; target: prenv serve
 * ≤ 1.5× Probot, both measured in the same run.
 *
 * Writes bench/results/cli.json and the CLI table of bench/RESULTS.md, with the load average.
 */
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'prettier';
import { openSqliteStore } from '../bot/adapters/store/sqlite-store.js';
import { checkoutBaseline } from './support/baseline.js';
import { freePort } from './support/free-port.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const WARMUP = 3;
const TARGETS = { help: 4, list: 6, serveRssVsProbot: 1.5 };
const bin = path.join(root, 'bin/prenv.js');
const BASELINE_REF = process.env.BENCH_BASELINE_REF ?? '31cde07';

const build = spawnSync('bash', [path.join(root, 'scripts/build.sh')], { stdio: 'inherit' });
if (build.status !== 0) throw new Error('scripts/build.sh failed');

// A project folder: prenv.yml, an empty state, and a Nomad double with no jobs.
const dir = mkdtempSync(path.join(os.tmpdir(), 'prenv-bench-cli-'));
// The folder holds the baseline's checkout too: removed however the bench ends.
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
copyFileSync(path.join(root, 'examples/aipacto/prenv.yml'), path.join(dir, 'prenv.yml'));
await openSqliteStore(path.join(dir, 'state.db')).close();
const nomad = createServer((req, res) => {
  res.writeHead(req.url?.startsWith('/v1/jobs') ? 200 : 404, {
    'content-type': 'application/json',
  });
  res.end('[]');
});
await new Promise<void>((resolve) => nomad.listen(0, '127.0.0.1', resolve));
const env = {
  PATH: process.env.PATH,
  PRENV_STATE: 'state.db',
  PRENV_NOMAD_ADDR: `http://127.0.0.1:${(nomad.address() as AddressInfo).port}`,
  PRENV_CACHE_DIR: path.join(dir, 'cache'),
};
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const loadBefore = os.loadavg();
const baselineDir = BASELINE_REF === 'none' ? null : checkoutBaseline(BASELINE_REF, dir);

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return {
    runs: sorted.length,
    medianMs: round(at(0.5)),
    p95Ms: round(at(0.95)),
    minMs: round(sorted[0]!),
  };
}
const round = (n: number) => Math.round(n * 10) / 10;
type Timing = ReturnType<typeof stats> & { cpuMeanMs: number | null };

interface Case {
  name: string;
  args: string[];
  env?: Record<string, string>;
}

/**
 * Runs one process of `node args…` and times it, start to exit (ms). With `cpu`, the process
 * runs under GNU time instead, and the answer is its user + system CPU time (ms; GNU time
 * counts in 10 ms steps, so only a mean over many runs says much).
 */
function once(c: Case, cpu = false): Promise<number> {
  const cpuFile = path.join(dir, 'cpu.txt');
  const [command, args]: [string, string[]] =
    cpu && GNU_TIME
      ? [GNU_TIME, ['-f', '%U %S', '-o', cpuFile, process.execPath, ...c.args]]
      : [process.execPath, c.args];
  return new Promise<number>((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, {
      cwd: dir,
      env: { ...env, ...c.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('exit', (code) => {
      if (code !== 0)
        return reject(new Error(`${c.name}: node ${c.args.join(' ')} exited ${code}:\n${stderr}`));
      if (!cpu) return resolve(performance.now() - start);
      const [user, system] = readFileSync(cpuFile, 'utf8').trim().split(/\s+/).map(Number);
      resolve(((user ?? NaN) + (system ?? NaN)) * 1000);
    });
  });
}

/**
 * WARMUP rounds, then RUNS rounds in which every case runs once, in turn (and once more under
 * GNU time for its CPU time, where /usr/bin/time exists): wall-clock medians and CPU means.
 */
async function timeAll(cases: Case[]) {
  for (let i = 0; i < WARMUP; i++) for (const c of cases) await once(c);
  const wall = new Map(cases.map((c) => [c.name, [] as number[]]));
  const cpu = new Map(cases.map((c) => [c.name, [] as number[]]));
  for (let i = 0; i < RUNS; i++)
    for (const c of cases) {
      wall.get(c.name)!.push(await once(c));
      if (GNU_TIME) cpu.get(c.name)!.push(await once(c, true));
    }
  const mean = (xs: number[]) =>
    xs.length === 0 ? null : round(xs.reduce((a, b) => a + b, 0) / xs.length);
  return new Map(
    cases.map((c) => [c.name, { ...stats(wall.get(c.name)!), cpuMeanMs: mean(cpu.get(c.name)!) }]),
  );
}

/**
 * VmRSS (MiB, from /proc/<pid>/status) of `node args…` that has idled `idleMs` after `readyUrl`
 * first answered an HTTP GET (any status; null: no server, settle from the start).
 */
async function idleRssMiB(
  args: string[],
  extraEnv: Record<string, string>,
  readyUrl: string | null,
  idleMs = 3_000,
) {
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let exited: number | null | undefined;
  child.stderr.on('data', (c: Buffer) => void (stderr += c.toString()));
  child.on('exit', (code) => (exited = code));
  try {
    const deadline = Date.now() + 30_000;
    while (readyUrl) {
      if (exited !== undefined) throw new Error(`${args.join(' ')} exited ${exited}:\n${stderr}`);
      if (Date.now() > deadline)
        throw new Error(`${readyUrl} did not answer within 30 s:\n${stderr}`);
      const answered = await fetch(readyUrl, { signal: AbortSignal.timeout(1_000) }).then(
        async (res) => (await res.arrayBuffer(), true),
        () => false,
      );
      if (answered) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, idleMs));
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
    return round(kb / 1024);
  } finally {
    child.kill('SIGTERM');
    if (exited === undefined) await new Promise((r) => child.once('exit', r));
  }
}

/**
 * A Probot 14 app server as `probot run` starts it (its `run()`, JSON logs, one no-op handler),
 * from plain JavaScript: no TypeScript loader, as prenv's compiled bin.
 */
function probotServerArgs(port: number): { args: string[]; env: Record<string, string> } {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const script = [
    `import { run } from '${import.meta.resolve('probot')}';`,
    "await run((app) => app.on('pull_request.opened', async () => {}));",
  ].join('\n');
  return {
    args: ['--input-type=module', '-e', script],
    env: {
      APP_ID: '1',
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET: 'bench-webhook-secret',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      NODE_ENV: 'production',
    },
  };
}

const baseBin = baselineDir ? path.join(baselineDir, 'bin/prenv.js') : null;
const timed = await timeAll([
  { name: 'bare', args: ['-e', ''] },
  { name: 'help', args: [bin, '--help'] },
  { name: 'list', args: [bin, 'list', '--json'] },
  { name: 'listCold', args: [bin, 'list', '--json'], env: { PRENV_CACHE_DIR: 'off' } },
  ...(baseBin
    ? [
        { name: 'baseHelp', args: [baseBin, '--help'] },
        { name: 'baseList', args: [baseBin, 'list', '--json'] },
      ]
    : []),
]);
const bare = timed.get('bare')!;
const help = timed.get('help')!;
const list = timed.get('list')!;
const listCold = timed.get('listCold')!;
const baseHelp = timed.get('baseHelp');
const baseList = timed.get('baseList');
const serveEnv = {
  PRENV_WEBHOOK_SECRET: 'bench-webhook-secret',
  PRENV_GITHUB_TOKEN: 'bench-token',
  PRENV_GITHUB_API_URL: 'http://127.0.0.1:9',
  PRENV_RECONCILE: 'off',
};
// prenv serve, Probot and an idle bare node take turns, RSS_ROUNDS times; medians.
const RSS_ROUNDS = Number(process.env.BENCH_RSS_ROUNDS ?? 3);
const rss = { serve: [] as number[], probot: [] as number[], node: [] as number[] };
for (let i = 0; i < RSS_ROUNDS; i++) {
  const servePort = await freePort();
  rss.serve.push(
    await idleRssMiB(
      [bin, 'serve', '--port', String(servePort)],
      serveEnv,
      `http://127.0.0.1:${servePort}/healthz`,
    ),
  );
  const probotPort = await freePort();
  const probot = probotServerArgs(probotPort);
  rss.probot.push(await idleRssMiB(probot.args, probot.env, `http://127.0.0.1:${probotPort}/ping`));
  rss.node.push(await idleRssMiB(['-e', 'setInterval(() => {}, 1000)'], {}, null));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const serveRss = median(rss.serve);
const probotRss = median(rss.probot);
const nodeRss = median(rss.node);
const serveTargetMiB = round(TARGETS.serveRssVsProbot * probotRss);
nomad.close();

const ratio = (s: Timing) => round(s.medianMs / bare.medianMs);
const cpuRatio = (s: Timing) =>
  s.cpuMeanMs === null || !bare.cpuMeanMs ? null : round(s.cpuMeanMs / bare.cpuMeanMs);
const loadAfter = os.loadavg();
const result = (name: string, s: Timing, target: number | null) => ({
  name,
  ...s,
  ratio: ratio(s),
  cpuRatio: cpuRatio(s),
  target,
  withinTarget: target === null ? null : ratio(s) <= target,
});
const report = {
  benchmark: 'cli',
  date: new Date().toISOString(),
  machine: {
    host: os.hostname(),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryMiB: Math.round(os.totalmem() / 2 ** 20),
    loadAverageBefore: loadBefore.map(round),
    loadAverageAfter: loadAfter.map(round),
  },
  baseline: { name: "node -e ''", ...bare },
  results: [
    result('prenv --help', help, TARGETS.help),
    result('prenv list --json', list, TARGETS.list),
    result('prenv list --json, config cache off', listCold, null),
  ],
  before:
    baseHelp && baseList
      ? {
          ref: BASELINE_REF,
          results: [
            result(`prenv@${BASELINE_REF} --help`, baseHelp, null),
            result(`prenv@${BASELINE_REF} list --json`, baseList, null),
          ],
        }
      : null,
  serveIdleRss: {
    name: 'prenv serve, idle 3 s after /healthz answered (token mode, reconciler off)',
    rounds: RSS_ROUNDS,
    rssMiB: serveRss,
    samplesMiB: rss.serve,
    probotRssMiB: probotRss,
    probotSamplesMiB: rss.probot,
    nodeIdleRssMiB: nodeRss,
    ratioToProbot: round(serveRss / probotRss),
    targetMiB: serveTargetMiB,
    withinTarget: serveRss <= serveTargetMiB,
  },
};
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(path.join(root, 'bench/results/cli.json'), `${JSON.stringify(report, null, 2)}\n`);
await writeResultsTable(report);

const line = (name: string, s: Timing, extra = '') =>
  `${name.padEnd(36)} ${`${s.medianMs} / ${s.p95Ms} ms`.padEnd(20)} ${`${s.cpuMeanMs ?? '–'} ms`.padEnd(10)} ${extra}\n`;
process.stdout.write(
  `CLI start-up, ${RUNS} processes each, on ${report.machine.cpus}× ${report.machine.cpu} (${report.machine.host}), load ${report.machine.loadAverageBefore.join(' / ')}\n`,
);
process.stdout.write(
  `${'command'.padEnd(36)} ${'median / p95'.padEnd(20)} ${'CPU mean'.padEnd(10)} × bare node (target)\n`,
);
process.stdout.write(line("node -e ''", bare, '1'));
for (const r of [...report.results, ...(report.before?.results ?? [])])
  process.stdout.write(
    line(
      r.name,
      r,
      `${r.ratio}${r.target === null ? '' : ` (≤ ${r.target})`}; CPU ${r.cpuRatio ?? '–'}`,
    ),
  );
process.stdout.write(
  `prenv serve idle RSS ${serveRss} MiB, ${report.serveIdleRss.ratioToProbot}× Probot's ${probotRss} MiB (target ≤ ${TARGETS.serveRssVsProbot}×, ${serveTargetMiB} MiB; idle bare node ${nodeRss} MiB)\n`,
);
process.stdout.write('written to bench/results/cli.json and bench/RESULTS.md\n');

/** Replaces the CLI section of bench/RESULTS.md (between its markers), keeping the rest. */
async function writeResultsTable(r: typeof report): Promise<void> {
  const file = path.join(root, 'bench/RESULTS.md');
  const rows = [...r.results, ...(r.before?.results ?? [])];
  const cpuCell = (ms: number | null) => (ms === null ? '–' : `${ms} ms`);
  const lines = [
    '<!-- cli:start -->',
    '## CLI start-up (`npm run bench:cli`)',
    '',
    `Each command a new process, ${RUNS} rounds after ${WARMUP} warm-up rounds, the commands taking turns within a round; ${r.machine.cpus} cores (${r.machine.cpu}, ${r.machine.host}), Node ${r.machine.node}, load average ${r.machine.loadAverageBefore.join(' / ')} before the run and ${r.machine.loadAverageAfter.join(' / ')} after. \`list --json\` reads an empty SQLite state and a Nomad double; "config cache off" validates prenv.yml on every run (\`PRENV_CACHE_DIR=off\`), as the first run after an edit does. CPU: user + system time of each command run once more per round under GNU time (mean; it counts in 10 ms steps), less sensitive to the load than the wall clock.`,
    '',
    '| command | median | p95 | min | × bare node | target | CPU mean | CPU × bare node |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    `| \`node -e ''\` | ${r.baseline.medianMs} ms | ${r.baseline.p95Ms} ms | ${r.baseline.minMs} ms | 1 | | ${cpuCell(r.baseline.cpuMeanMs)} | 1 |`,
    ...rows.map(
      (x) =>
        `| \`${x.name}\` | ${x.medianMs} ms | ${x.p95Ms} ms | ${x.minMs} ms | **${x.ratio}** | ${x.target === null ? '' : `≤ ${x.target}${x.withinTarget ? '' : ' (missed)'}`} | ${cpuCell(x.cpuMeanMs)} | ${x.cpuRatio ?? '–'} |`,
    ),
    '',
    `Idle resident memory (VmRSS) 3 s after the server first answered, median of ${r.serveIdleRss.rounds} rounds taking turns: \`prenv serve\` (token mode, reconciler off) **${r.serveIdleRss.rssMiB} MiB**, a Probot 14 app server started as \`probot run\` does ${r.serveIdleRss.probotRssMiB} MiB: **${r.serveIdleRss.ratioToProbot}× Probot** (target ≤ ${TARGETS.serveRssVsProbot}×, ${r.serveIdleRss.targetMiB} MiB${r.serveIdleRss.withinTarget ? '' : ', missed'}); an idle bare node: ${r.serveIdleRss.nodeIdleRssMiB} MiB.`,
    '<!-- cli:end -->',
  ];
  const section = lines.join('\n');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const marked = /<!-- cli:start -->[\s\S]*<!-- cli:end -->/;
  const text = marked.test(old) ? old.replace(marked, section) : `${old.trimEnd()}\n\n${section}\n`;
  // Formatted as the repository's `prettier --check` expects.
  writeFileSync(file, await format(text, { parser: 'markdown' }));
}
