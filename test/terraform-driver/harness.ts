import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LogFields, Logger } from '../../bot/core/logger.js';
import {
  createTerraformRunner,
  stateKey,
  type LeftRun,
} from '../../bot/adapters/terraform/index.js';
import type {
  ProgressEvent,
  TerraformRunner,
  TfTarget,
} from '../../bot/adapters/terraform/index.js';

export const fakeTerraform = fileURLToPath(
  new URL('../fakes/terraform/terraform', import.meta.url),
);

export interface LogRecord {
  level: string;
  msg: string;
  fields: LogFields;
}

/** A Logger that keeps every line, with the child context merged in. */
export function recordingLogger(records: LogRecord[], context: LogFields = {}): Logger {
  const at =
    (level: string) =>
    (msg: string, fields: LogFields = {}) =>
      records.push({ level, msg, fields: { ...context, ...fields } });
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => recordingLogger(records, { ...context, ...fields }),
  };
}

export interface Harness {
  root: string;
  stateDir: string;
  moduleDir: string;
  logs: LogRecord[];
  runner: TerraformRunner;
  /** Another runner on the same state directory, with extra environment for the fake. */
  runnerWith(
    env: Record<string, string>,
    runner?: { lockTimeoutMs?: number; leftRuns?: LeftRun[] },
  ): TerraformRunner;
  target(environment: TfTarget['environment'], pr?: number): TfTarget;
  statePath(target: TfTarget): string;
  lockPath(target: TfTarget): string;
  /** Servers in the fake's state file for a target (empty when there is no file). */
  servers(target: TfTarget): Array<{ name: string; server_type: string }>;
  cleanup(): Promise<void>;
}

export async function createHarness(
  opts: {
    env?: Record<string, string>;
    killGraceMs?: number;
    secrets?: string[];
    lockTimeoutMs?: number;
  } = {},
): Promise<Harness> {
  const root = await mkdtemp(path.join(tmpdir(), 'prenv-tf-test-'));
  const stateDir = path.join(root, 'state');
  const moduleDir = path.join(root, 'environments');
  await mkdir(stateDir, { recursive: true });
  for (const env of ['pr', 'staging', 'production']) {
    await mkdir(path.join(moduleDir, env), { recursive: true });
  }
  const logs: LogRecord[] = [];
  const runnerWith = (
    env: Record<string, string>,
    runner: { lockTimeoutMs?: number; leftRuns?: LeftRun[] } = {},
  ) => {
    const lockTimeoutMs = runner.lockTimeoutMs ?? opts.lockTimeoutMs;
    return createTerraformRunner({
      bin: fakeTerraform,
      env: { PATH: process.env.PATH, PRENV_FAKE_TF_STATE_DIR: stateDir, ...opts.env, ...env },
      logger: recordingLogger(logs),
      killGraceMs: opts.killGraceMs ?? 5_000,
      tmpDir: root,
      ...(opts.secrets ? { secrets: opts.secrets } : {}),
      ...(lockTimeoutMs !== undefined ? { lockTimeoutMs } : {}),
      ...(runner.leftRuns ? { leftRuns: runner.leftRuns } : {}),
    });
  };
  const runner = runnerWith({});
  const statePath = (t: TfTarget) => path.join(stateDir, stateKey(t));
  return {
    root,
    stateDir,
    moduleDir,
    logs,
    runner,
    runnerWith,
    target: (environment, pr) => ({
      environment,
      dir: path.join(moduleDir, environment),
      ...(pr === undefined ? {} : { pr }),
    }),
    statePath,
    lockPath: (t) => `${statePath(t)}.tflock`,
    servers: (t) => {
      const file = statePath(t);
      if (!existsSync(file)) return [];
      const doc = JSON.parse(readFileSync(file, 'utf8')) as {
        resources: Array<{
          instances: Array<{ attributes: { name: string; server_type: string } }>;
        }>;
      };
      return doc.resources.flatMap((r) => r.instances.map((i) => i.attributes));
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** Resolves with the first progress event that matches. */
export function waitForEvent(predicate: (e: ProgressEvent) => boolean): {
  onProgress: (e: ProgressEvent) => void;
  seen: Promise<ProgressEvent>;
  events: ProgressEvent[];
} {
  const events: ProgressEvent[] = [];
  let resolve!: (e: ProgressEvent) => void;
  const seen = new Promise<ProgressEvent>((r) => (resolve = r));
  return {
    events,
    seen,
    onProgress: (e) => {
      events.push(e);
      if (predicate(e)) resolve(e);
    },
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid the fake recorded in its lock file ("Info": "pid <n>"). */
export function lockHolderPid(lockFile: string): number {
  const info = JSON.parse(readFileSync(lockFile, 'utf8')) as { Info: string };
  const m = /^pid (\d+)$/.exec(info.Info);
  if (!m) throw new Error(`no pid in lock info ${info.Info}`);
  return Number(m[1]);
}
