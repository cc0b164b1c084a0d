import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requireTool } from './tools.js';
import { useProcess } from './use-process.js';
import {
  startLocalProcess,
  startOnFreePorts,
  waitUntilReady,
  type LocalProcess,
} from './local-process.js';

export const caddyServerName = 'prenv';

export interface CaddyProcess {
  /** e.g. http://127.0.0.1:40123 */
  readonly adminUrl: string;
  readonly httpPort: number;
  readonly serverName: string;
  /** The config Caddy was started with (see baseCaddyConfig). */
  readonly baseConfig: Record<string, unknown>;
  /** Temp dir holding the config, HOME and XDG dirs; removed by stop(). */
  readonly dir: string;
  /** Isolated environment for running other caddy commands (adapt, validate). */
  readonly env: NodeJS.ProcessEnv;
  readonly binary: string;
  logs(): string;
  /** Stops Caddy and starts it again on the same ports from the base config (routes are lost). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The base config the tests start from: the admin API and one HTTP server on
 * loopback, ending in a catch-all 404 (Caddy 2.6.2 answers an empty 200 for a
 * host no route matches). Automatic HTTPS is disabled because host-matched
 * routes on a non-443 server would otherwise turn it on in Caddy 2.6.2.
 */
export function baseCaddyConfig(adminPort: number, httpPort: number): Record<string, unknown> {
  return {
    admin: { listen: `127.0.0.1:${adminPort}` },
    apps: {
      http: {
        servers: {
          [caddyServerName]: {
            listen: [`127.0.0.1:${httpPort}`],
            automatic_https: { disable: true },
            routes: [
              {
                handle: [
                  {
                    handler: 'static_response',
                    status_code: 404,
                    body: 'no preview environment here\n',
                  },
                ],
              },
            ],
          },
        },
      },
    },
  };
}

export function isolatedEnv(dir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: path.join(dir, 'home'),
    XDG_DATA_HOME: path.join(dir, 'data'),
    XDG_CONFIG_HOME: path.join(dir, 'config'),
  };
}

export function startCaddy(): Promise<CaddyProcess> {
  return startOnFreePorts(2, ([adminPort, httpPort]) =>
    startCaddyOn(adminPort as number, httpPort as number),
  );
}

async function startCaddyOn(adminPort: number, httpPort: number): Promise<CaddyProcess> {
  const binary = requireTool('caddy');
  const dir = await mkdtemp(path.join(tmpdir(), 'prenv-caddy-'));
  const env = isolatedEnv(dir);
  for (const sub of ['home', 'data', 'config']) await mkdir(path.join(dir, sub));
  const configFile = path.join(dir, 'caddy.json');
  const baseConfig = baseCaddyConfig(adminPort, httpPort);
  await writeFile(configFile, JSON.stringify(baseConfig));

  const launch = (): LocalProcess =>
    startLocalProcess('caddy', binary, ['run', '--config', configFile], { cwd: dir, env });
  let proc = launch();
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const stop = async (): Promise<void> => {
    await proc.stop();
    await rm(dir, { recursive: true, force: true });
  };
  const ready = () =>
    waitUntilReady(
      proc,
      `admin API at ${adminUrl}`,
      async () => (await fetch(`${adminUrl}/config/`)).ok,
      15_000,
    );
  try {
    await ready();
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    adminUrl,
    httpPort,
    serverName: caddyServerName,
    baseConfig,
    dir,
    env,
    binary,
    logs: () => proc.logs(),
    restart: async () => {
      await proc.stop();
      proc = launch();
      await ready();
    },
    stop,
  };
}

/**
 * Starts one Caddy for the calling test file (beforeAll), stops it and its
 * children (afterAll), and prints its output when a test fails.
 */
export function useCaddy(): () => CaddyProcess {
  return useProcess('Caddy', () => startCaddy(), 'useCaddy');
}
