/**
 * The servers `npm run bench:intake` compares, each in a process of its own: `prenv serve` from
 * a checkout, and the comparison servers of comparison-server.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { freePort } from '../support/free-port.js';
import { EXAMPLE_CONFIG, root, SECRET } from './settings.js';

export interface Server {
  name: string;
  port: number;
  child: ChildProcess;
  /** Deliveries in the queue (prenv only). */
  queued?: () => number;
  /** Deliveries queued but not yet planned (prenv only). */
  unplanned?: () => number;
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

/** One of comparison-server.ts's kinds (probot, octokit, bare, durable: its state in `stateDir`). */
export async function startComparison(kind: string, stateDir = root): Promise<Server> {
  const server = path.join(root, 'bench/intake/comparison-server.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', server, kind, SECRET, stateDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return { name: kind, port: await waitForPort(child, /"port":(\d+)/, 'stdout'), child };
}

/**
 * `prenv serve` from the checkout at `dir`, its state in `stateDir`: no GitHub token (offline),
 * no reconciler, no Nomad, Consul or Caddy listening and a Terraform that fails at once, so a
 * provision fails fast and is retried later; the intake and the planner do their full work.
 */
export async function startPrenv(name: string, dir: string, stateDir: string): Promise<Server> {
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
  const pending = db.prepare<[], { n: number }>(
    'SELECT COUNT(*) AS n FROM deliveries WHERE done = 0',
  );
  return {
    name,
    port,
    child,
    queued: () => count.get()!.n,
    unplanned: () => pending.get()!.n,
  };
}

export function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null) return resolve();
    server.child.once('exit', () => resolve());
    // Nothing to lose: prenv's queue was counted, and its state is durable anyway.
    server.child.kill('SIGKILL');
  });
}
