import { execa, type ResultPromise } from 'execa';
import path from 'node:path';
import { repoRoot } from '../support/tools.js';
import { signedDelivery } from '../support/webhook-examples.js';

export interface ServeProcess {
  port: number;
  child: ResultPromise;
  logs(): string;
  post(name: string, payload: unknown, id: string): Promise<number>;
}

export const WEBHOOK_SECRET = 'serve-test-webhook-secret';

/** Starts `prenv serve` as a real process (`nodeArgs` before the script) and waits until it listens. */
export async function startServe(
  configFile: string,
  env: Record<string, string>,
  listenPort = 0,
  nodeArgs: string[] = [],
): Promise<ServeProcess> {
  const child = execa(
    'node',
    [
      ...nodeArgs,
      path.join(repoRoot, 'bin/prenv.js'),
      'serve',
      '--config',
      configFile,
      '--port',
      String(listenPort),
    ],
    {
      env: { PATH: process.env.PATH, PRENV_WEBHOOK_SECRET: WEBHOOK_SECRET, ...env },
      extendEnv: false,
      reject: false,
      detached: false,
    },
  );
  let logs = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`prenv serve did not start:\n${logs}`)),
      30_000,
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      logs += chunk.toString();
      const match = /^\{.*"port":(\d+).*"msg":"listening".*$/m.exec(logs);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    void child.then((r) => reject(new Error(`prenv serve exited with ${r.exitCode}:\n${logs}`)));
  });
  return {
    port,
    child,
    logs: () => logs,
    post: async (name, payload, id) => {
      const delivery = await signedDelivery(name, payload, WEBHOOK_SECRET, id);
      const res = await fetch(`http://127.0.0.1:${port}/webhooks/github`, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
      });
      return res.status;
    },
  };
}

/** Resolves once `check()` holds (polled every 50 ms); throws naming `what` after 30 s. */
export async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The settings of a bot in `dir` (its SQLite state there) with no cluster to reach: Nomad,
 * Consul and Caddy at a closed port, Terraform `false`, the reconciler off.
 */
export function offlineBotEnv(dir: string): Record<string, string> {
  const unreachable = 'http://127.0.0.1:9';
  return {
    PRENV_STATE: path.join(dir, 'state.db'),
    PRENV_RECONCILE: 'off',
    PRENV_NOMAD_ADDR: unreachable,
    PRENV_CONSUL_ADDR: unreachable,
    PRENV_CADDY_ADMIN: unreachable,
    PRENV_TERRAFORM_BIN: 'false',
    PRENV_TERRAFORM_DIR: dir,
  };
}
