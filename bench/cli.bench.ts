/**
 * `npm run bench:cli`: start-up of the compiled CLI and idle memory of `prenv serve`.
 *
 * Baseline, measured in the same run: `node -e ''` (bare Node start-up). Measured: `prenv --help`
 * (target ≤ 4× bare Node) and `prenv list --json` against an empty state and a local Nomad
 * double that answers `/v1/jobs` (target ≤ 6×). Each command is a new process, as users run it.
 * Then `prenv serve` idles for a few seconds and its resident memory (VmRSS, MiB) is read from
 * /proc; the target is ≤ 1.5× Probot's ≈ 65 MiB (the figure measured for the issue), with an
 * idle `node -e 'setInterval…'` as the floor.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '../bot/adapters/store/sqlite-store.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const WARMUP = 3;
const TARGETS = { help: 4, list: 6, serveRssMiB: 1.5 * 65 };
const bin = path.join(root, 'bin/prenv.js');

const build = spawnSync('bash', [path.join(root, 'scripts/build.sh')], { stdio: 'inherit' });
if (build.status !== 0) throw new Error('scripts/build.sh failed');

// A project folder: prenv.yml, an empty state, and a Nomad double with no jobs.
const dir = mkdtempSync(path.join(os.tmpdir(), 'prenv-bench-cli-'));
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
};

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

/** Runs `node args…` RUNS times (after WARMUP), one process each, and times it. */
async function time(args: string[]): Promise<ReturnType<typeof stats>> {
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const start = performance.now();
      const child = spawn(process.execPath, args, {
        cwd: dir,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => void (stderr += c.toString()));
      child.on('exit', (code) =>
        code === 0
          ? resolve(performance.now() - start)
          : reject(new Error(`node ${args.join(' ')} exited ${code}:\n${stderr}`)),
      );
    });
  for (let i = 0; i < WARMUP; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await once());
  return stats(samples);
}

/** VmRSS of a process that has idled for `idleMs` after `ready` shows on its stderr. */
async function idleRssMiB(
  args: string[],
  extraEnv: Record<string, string>,
  ready: RegExp | null,
  idleMs = 3_000,
) {
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => void (stderr += c.toString()));
  await new Promise<void>((resolve, reject) => {
    if (!ready) return resolve();
    const timer = setTimeout(
      () => reject(new Error(`no ${ready} within 30 s:\n${stderr}`)),
      30_000,
    );
    child.stderr.on('data', () => {
      if (ready.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${stderr}`)));
  });
  await new Promise((r) => setTimeout(r, idleMs));
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  child.kill('SIGTERM');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  return round(kb / 1024);
}

const bare = await time(['-e', '']);
const help = await time([bin, '--help']);
const list = await time([bin, 'list', '--json']);
const serveEnv = {
  PRENV_WEBHOOK_SECRET: 'bench-webhook-secret',
  PRENV_GITHUB_TOKEN: 'bench-token',
  PRENV_GITHUB_API_URL: 'http://127.0.0.1:9',
  PRENV_RECONCILE: 'off',
};
const serveRss = await idleRssMiB([bin, 'serve', '--port', '0'], serveEnv, /"msg":"listening"/);
const nodeRss = await idleRssMiB(['-e', 'setInterval(() => {}, 1000)'], {}, null);
nomad.close();

const ratio = (s: ReturnType<typeof stats>) => round(s.medianMs / bare.medianMs);
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
    loadAverage: os.loadavg().map(round),
  },
  baseline: { name: "node -e ''", ...bare },
  results: [
    {
      name: 'prenv --help',
      ...help,
      ratio: ratio(help),
      target: TARGETS.help,
      withinTarget: ratio(help) <= TARGETS.help,
    },
    {
      name: 'prenv list --json',
      ...list,
      ratio: ratio(list),
      target: TARGETS.list,
      withinTarget: ratio(list) <= TARGETS.list,
    },
  ],
  serveIdleRss: {
    name: 'prenv serve, idle 3 s after listening (token mode, reconciler off)',
    rssMiB: serveRss,
    nodeIdleRssMiB: nodeRss,
    probotReferenceMiB: 65,
    targetMiB: TARGETS.serveRssMiB,
    withinTarget: serveRss <= TARGETS.serveRssMiB,
  },
};
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(path.join(root, 'bench/results/cli.json'), `${JSON.stringify(report, null, 2)}\n`);

const line = (name: string, s: ReturnType<typeof stats>, extra = '') =>
  `${name.padEnd(20)} ${`${s.medianMs} / ${s.p95Ms} ms`.padEnd(20)} ${extra}\n`;
process.stdout.write(
  `CLI start-up, ${RUNS} processes each, on ${report.machine.cpus}× ${report.machine.cpu} (${report.machine.host})\n`,
);
process.stdout.write(`${'command'.padEnd(20)} ${'median / p95'.padEnd(20)} × bare node (target)\n`);
process.stdout.write(line("node -e ''", bare, '1'));
process.stdout.write(line('prenv --help', help, `${ratio(help)} (≤ ${TARGETS.help})`));
process.stdout.write(line('prenv list --json', list, `${ratio(list)} (≤ ${TARGETS.list})`));
process.stdout.write(
  `prenv serve idle RSS ${serveRss} MiB (target ≤ ${TARGETS.serveRssMiB} MiB; idle bare node ${nodeRss} MiB)\n`,
);
process.stdout.write('written to bench/results/cli.json\n');
