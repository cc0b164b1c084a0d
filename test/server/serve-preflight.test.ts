import { mkdtempSync, readdirSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import type { EnvRecord } from '../../bot/core/model.js';
import { pullRequestPayload, startServeStack, type ServeStack } from '../support/serve-stack.js';
import { until } from '../runtime/harness.js';

let serving: ServeStack;
const sockets = new Set<net.Socket>();
const servers: net.Server[] = [];

beforeAll(async () => {
  serving = await startServeStack({
    githubToken: 'ghp_preflight_test',
    edit: (text) => text.replace(/^previews:\n/m, 'previews:\n  protect: none\n'),
  });
}, 90_000);

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await serving?.stop();
});

function listen(server: net.Server, port = 0): Promise<number> {
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

/** A port nothing listens on: connections are refused at once. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  servers.splice(servers.indexOf(server), 1);
  return port;
}

/** A port that accepts connections and never answers (a firewall that drops, a hung process). */
async function silentPort(): Promise<number> {
  return listen(
    net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }),
  );
}

async function environmentOf(statePath: string, pr: number): Promise<EnvRecord | undefined> {
  const store = openSqliteStore(statePath);
  try {
    return (await store.loadWorld()).world.envs[pr];
  } finally {
    await store.close();
  }
}

/** `prenv serve` with Nomad at `nomadUrl` and 1 s between retries, after PR `pr` was opened. */
async function openedWithNomadAt(nomadUrl: string, pr: number, extra: Record<string, string> = {}) {
  const env = serving.env(
    {
      PRENV_NOMAD_ADDR: nomadUrl,
      PRENV_RUN_RETRY_MS: '1000',
      PRENV_RUN_RETRY_MAX_MS: '1000',
      ...extra,
    },
    `preflight-${pr}`,
  );
  const serve = await serving.serve(env);
  const payload = pullRequestPayload(serving.github, 'opened', pr);
  const status = await serve.post('pull_request', payload, `open-${pr}`);
  if (status !== 202) {
    serve.child.kill('SIGTERM');
    throw new Error(`the delivery was answered ${status}:\n${serve.logs()}`);
  }
  return { env, serve };
}

const stickyOf = (pr: number) =>
  serving.github.state.comments.find((c) => c.pr === pr && c.body.includes('prenv:sticky'))?.body ??
  '';

describe(
  'prenv serve checks Nomad, Consul and Caddy before a PR deploy',
  { timeout: 90_000 },
  () => {
    it.each([
      { name: 'a closed port', pr: 41, port: closedPort, error: 'ECONNREFUSED' },
      {
        name: 'a port that never answers',
        pr: 42,
        port: silentPort,
        error: 'no answer within 3 s',
      },
    ])(
      'Nomad at $name: the run fails before Terraform, names the variable, URL and error, and is retried',
      async ({ pr, port, error }) => {
        const nomadUrl = `http://127.0.0.1:${await port()}`;
        const { env, serve } = await openedWithNomadAt(nomadUrl, pr);
        try {
          // Failed once, and the retry policy ran it again: it failed the same way.
          await until(
            async () => ((await environmentOf(env.PRENV_STATE!, pr))?.failure?.attempts ?? 0) >= 2,
            `pr-${pr} failed twice`,
            30_000,
          ).catch((err: unknown) => {
            throw new Error(`${String(err)}\n${serve.logs()}`);
          });
          // The sticky comment reports it (written after the state, on the reporter's own pace).
          await until(
            () => stickyOf(pr).includes(`not deploying pr-${pr}`),
            'the PR comment says why',
          );
          const failure = (await environmentOf(env.PRENV_STATE!, pr))!.failure!;
          expect(failure.stage).toBe('provision');
          expect(failure.nextRetryAt).not.toBeNull();
          for (const text of [failure.lastError, stickyOf(pr), serve.logs()]) {
            expect(text).toContain(`not deploying pr-${pr}`);
            expect(text).toContain(`at ${nomadUrl} (PRENV_NOMAD_ADDR)`);
            expect(text).toContain(error);
          }
          // Consul and Caddy answered: only Nomad is named.
          expect(failure.lastError).toContain('an endpoint of production');
          expect(failure.lastError).not.toContain('PRENV_CONSUL_ADDR');
          // Terraform never ran: no server, no state.
          expect(await serving.stack.cloud.servers()).not.toContain(pr);
        } finally {
          serve.child.kill('SIGTERM');
          await serve.child;
        }
      },
    );

    it('a retry after the endpoint came back deploys the PR; the bot leaves nothing in TMPDIR', async () => {
      const pr = 43;
      const port = await closedPort();
      const tmp = mkdtempSync(path.join(tmpdir(), 'serve-tmp-'));
      const { env, serve } = await openedWithNomadAt(`http://127.0.0.1:${port}`, pr, {
        TMPDIR: tmp,
      });
      try {
        await until(
          async () => (await environmentOf(env.PRENV_STATE!, pr))?.failure !== null,
          `pr-${pr} failed`,
          20_000,
        );
        // Nomad answers at that address again: a proxy to the stack's Nomad.
        const nomad = new URL(serving.stack.nomad.url);
        await listen(
          http.createServer((req, res) => {
            const upstream = http.request(
              {
                host: nomad.hostname,
                port: nomad.port,
                path: req.url,
                method: req.method,
                headers: req.headers,
              },
              (answer) => {
                res.writeHead(answer.statusCode ?? 502, answer.headers);
                answer.pipe(res);
              },
            );
            upstream.on('error', () => res.destroy());
            req.pipe(upstream);
          }),
          port,
        );
        await until(
          async () => (await environmentOf(env.PRENV_STATE!, pr))?.phase === 'live',
          `pr-${pr} is live`,
          40_000,
        ).catch((err: unknown) => {
          throw new Error(`${String(err)}\n${serve.logs()}`);
        });
        expect(await serving.stack.cloud.servers()).toContain(pr);
      } finally {
        serve.child.kill('SIGTERM');
        await serve.child;
      }
      // Its Terraform runs' folders are gone; the run root (kept on purpose) is empty.
      expect(readdirSync(tmp, { recursive: true })).toEqual([`prenv-${process.getuid!()}`]);
    });
  },
);
