import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';

/**
 * Ports free on 127.0.0.1 right now: all are bound to port 0 together (so they
 * differ), read, then released for the process under test to take.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((server) => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      return address.port;
    });
  } finally {
    await Promise.all(
      servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
  }
}

const maxLogChars = 64_000;

export interface LocalProcess {
  readonly name: string;
  readonly pid: number;
  /** The end of what the process wrote to stdout and stderr. */
  logs(): string;
  exited(): boolean;
  /** Stops the whole process group: SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>;
}

/**
 * Starts `command` in its own process group so that stop() also ends any
 * children. Output is kept (bounded) for error messages.
 */
export function startLocalProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): LocalProcess {
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-maxLogChars);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exitCode: number | string | null = null;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? signal;
      resolve();
    });
    child.once('error', (err) => {
      output += `\n[spawn error] ${err.message}`;
      exitCode = 'spawn-error';
      resolve();
    });
  });
  const pid = child.pid;
  if (pid === undefined) {
    throw new Error(`${name} did not start (${command}): ${output}`);
  }

  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  };

  return {
    name,
    pid,
    logs: () => (exitCode === null ? output : `${output}\n[${name} exited: ${exitCode}]`),
    exited: () => exitCode !== null,
    async stop() {
      if (exitCode !== null) return;
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
      // Children that ignored SIGTERM while the leader exited.
      signalGroup('SIGKILL');
    },
  };
}

/**
 * Polls `probe` until it returns true; fails with the process's output when
 * the process exits or the time is up.
 */
export async function waitUntilReady(
  proc: LocalProcess,
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (proc.exited()) break;
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await proc.stop();
  throw new Error(
    `${proc.name} did not become ready (${what}) within ${timeoutMs} ms` +
      (lastError ? ` (last probe error: ${lastError})` : '') +
      `. Its output:\n${proc.logs()}`,
  );
}
