import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

/**
 * The first port of the kernel's ephemeral range (Linux: /proc/sys/net/ipv4/ip_local_port_range),
 * from which outgoing connections take their local ports.
 */
function ephemeralStart(): number {
  try {
    const first = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0],
    );
    return Number.isInteger(first) && first > 20_000 ? first : 32_768;
  } catch {
    return 32_768;
  }
}

function listenOn(server: Server, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(false);
      else reject(err);
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve(true);
    });
  });
}

/**
 * Ports free on 127.0.0.1 right now, all different: bound together, read, then released for
 * the process under test to take. They are drawn below the ephemeral range, so that an outgoing
 * connection of another test cannot be given one of them between release and use (port 0
 * would draw from that range); a port taken by another listener is skipped.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  const low = 20_000;
  const high = ephemeralStart();
  try {
    for (let tries = 0; servers.length < count; tries += 1) {
      const server = createServer();
      const port = tries < 200 ? low + Math.floor(Math.random() * (high - low)) : 0;
      if (await listenOn(server, port)) servers.push(server);
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

const portTaken = /address already in use|EADDRINUSE/i;

/**
 * Starts something on `count` fresh free ports, and starts it again on new ones (up to
 * `attempts` times) when it failed because one was taken between freePorts() and its bind —
 * by another test file running at the same time.
 */
export async function startOnFreePorts<T>(
  count: number,
  start: (ports: number[]) => Promise<T>,
  attempts = 5,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const ports = await freePorts(count);
    try {
      return await start(ports);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (attempt >= attempts || !portTaken.test(message)) throw err;
    }
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
