import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { afterEach } from 'vitest';
import type { LogFields, Logger } from '../../bot/core/logger.js';
import type { RunOwner } from '../../bot/core/model.js';
import { processIdentity } from '../../bot/adapters/system/process-alive.js';

const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

/** A live process standing for a `prenv deploy pr` still carrying out its run (killed after each test). */
export async function liveCommand(): Promise<ReturnType<typeof spawn>> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(child);
  await once(child, 'spawn');
  return child;
}

/** Process `pid` of this host as a run's owner, as `prenv deploy pr` records itself. */
export function ownerHere(pid: number): RunOwner {
  return { host: hostname(), ...processIdentity(pid), startedAt: Date.now() };
}

export type LogLine = { msg: string; fields: LogFields };

export function recordingLogger(lines: LogLine[]): Logger {
  const log = (msg: string, fields: LogFields = {}) => lines.push({ msg, fields });
  const logger: Logger = { debug: log, info: log, warn: log, error: log, child: () => logger };
  return logger;
}
