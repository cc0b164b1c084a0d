import { mkdtempSync } from 'node:fs';
import { request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import type { StateStore } from '../../bot/adapters/store/state-store.js';
import { silentLogger } from '../../bot/core/logger.js';
import { BodyBudget } from '../../bot/server/body-budget.js';
import { close, createBotHttpServer, listen } from '../../bot/server/http-server.js';
import { createWebhookHandler, screenWebhookHeaders } from '../../bot/server/webhook-handler.js';
import { until } from '../runtime/harness.js';
import { rawRequest } from '../support/raw-http.js';
import { inRepository, realPayload, signedDelivery } from '../support/webhook-examples.js';

let store: StateStore;
let server: Server;
let port: number;
const budget = new BodyBudget(4 * 1024 * 1024);

beforeAll(async () => {
  store = openSqliteStore(path.join(mkdtempSync(path.join(tmpdir(), 'prenv-edge-')), 'state.db'));
  server = createBotHttpServer({
    handleWebhook: createWebhookHandler({
      secret: 'edge-secret-for-tests',
      store,
      appLogin: 'prenv[bot]',
      repository: 'aipacto/aipacto',
      logger: silentLogger,
      now: Date.now,
      onQueued: () => {},
    }),
    screenWebhook: screenWebhookHeaders,
    allowCertificate: async (host) => host === 'pr-7.pr.example.com',
    health: async () => ({ ok: true, checks: {} }),
    logger: silentLogger,
    unverifiedBudget: budget,
  });
  port = await listen(server, 0);
});

afterAll(async () => {
  await close(server);
  await store.close();
});

const get = (target: string, method = 'GET') =>
  rawRequest(port, `${method} ${target} HTTP/1.1\r\nHost: bot\r\n\r\n`);

async function healthy(onPort = port): Promise<void> {
  const answer = await rawRequest(onPort, 'GET /healthz HTTP/1.1\r\nHost: bot\r\n\r\n');
  expect(answer.status).toBe(200);
}

describe('the HTTP edge answers every request and never stops the process', () => {
  it.each([
    ['//', 404],
    ['///', 404],
    ['//healthz', 404],
    ['//x/../', 404],
    ['/%zz', 400],
    ['/%00', 404],
    ['/__proto__', 404],
    ['/constructor', 404],
    ['/healthz/', 404],
    ['/tls/ask?domain=%E0%A4%A', 400],
    ['/tls/ask?domain=pr-7.pr.example.com&domain=x', 404],
    ['/healthz?%', 400],
    ['/healthz?a=%41', 200],
    ['http://evil.example/healthz', 400],
    ['*', 400],
    ['healthz', 400],
  ])('GET %s → %i', async (target, status) => {
    expect((await get(target)).status).toBe(status);
    await healthy();
  });

  it.each([
    ['DELETE', '/healthz', 405, 'GET'],
    ['POST', '/healthz', 405, 'GET'],
    ['PUT', '/tls/ask', 405, 'GET'],
    ['GET', '/webhooks/github', 405, 'POST'],
    ['HEAD', '/webhooks/github', 405, 'POST'],
  ])('%s %s → %i, allowing %s', async (method, target, status, allow) => {
    const answer = await get(target, method);
    expect(answer.status).toBe(status);
    expect(answer.headers.allow).toBe(allow);
  });

  it.each(['bot:443', '127.0.0.1:22', '/healthz'])(
    'answers CONNECT %s with 405',
    async (target) => {
      const answer = await rawRequest(
        port,
        `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`,
      );
      expect(answer.status).toBe(405);
      await healthy();
    },
  );

  it.each([
    ['an unknown method', 'BREW / HTTP/1.1\r\nHost: bot\r\n\r\n'],
    ['a NUL in the target', 'GET /\u0000 HTTP/1.1\r\nHost: bot\r\n\r\n'],
    ['a control character in a header', 'GET / HTTP/1.1\r\nHost: bot\r\nX-A: \u0001\r\n\r\n'],
    ['a header without a name', 'GET / HTTP/1.1\r\nHost: bot\r\n: x\r\n\r\n'],
    [
      'a bad Content-Length',
      'POST /webhooks/github HTTP/1.1\r\nHost: bot\r\nContent-Length: -1\r\n\r\n',
    ],
    [
      'two Content-Lengths',
      'POST /webhooks/github HTTP/1.1\r\nHost: bot\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
    ],
    [
      'a bad chunk size',
      'POST /webhooks/github HTTP/1.1\r\nHost: bot\r\nTransfer-Encoding: chunked\r\nX-GitHub-Event: a\r\nX-GitHub-Delivery: b\r\nX-Hub-Signature-256: c\r\n\r\nzz\r\n',
    ],
    ['no request target', 'GET\r\n\r\n'],
    ['binary noise', Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x0d, 0x0a, 0x0d, 0x0a])],
  ])('answers %s with 400 and goes on', async (_label, bytes) => {
    expect((await rawRequest(port, bytes)).status).toBe(400);
    await healthy();
  });

  it('survives a client that goes away in the middle of a body, and gives its bytes back', async () => {
    await new Promise<void>((resolve) => {
      const req = request({
        port,
        method: 'POST',
        path: '/webhooks/github',
        headers: {
          'content-length': '100000',
          'x-github-event': 'pull_request',
          'x-github-delivery': 'gone-1',
          'x-hub-signature-256': 'sha256=00',
        },
      });
      req.on('error', () => resolve());
      req.write('x'.repeat(1000), () => setTimeout(() => req.destroy(), 50));
    });
    await until(() => budget.inUse === 0, 'the body budget is given back');
    await healthy();
  });

  it('answers 500 when a handler throws, and keeps serving', async () => {
    const failing = createBotHttpServer({
      handleWebhook: () => Promise.reject(new Error('webhook handler broke')),
      allowCertificate: () => {
        throw new Error('certificate check broke');
      },
      health: () => Promise.reject(new TypeError('health broke')),
      logger: silentLogger,
    });
    const failingPort = await listen(failing, 0);
    try {
      const webhook = await rawRequest(
        failingPort,
        'POST /webhooks/github HTTP/1.1\r\nHost: bot\r\nContent-Length: 2\r\n\r\n{}',
      );
      expect(webhook.status).toBe(500);
      expect(
        (await rawRequest(failingPort, 'GET /tls/ask?domain=a HTTP/1.1\r\nHost: bot\r\n\r\n'))
          .status,
      ).toBe(500);
      expect(
        (await rawRequest(failingPort, 'GET /healthz HTTP/1.1\r\nHost: bot\r\n\r\n')).status,
      ).toBe(500);
      expect((await rawRequest(failingPort, 'GET // HTTP/1.1\r\nHost: bot\r\n\r\n')).status).toBe(
        404,
      );
    } finally {
      await close(failing);
    }
    await healthy();
  });

  it('answers a client that half-closes once its request is sent, however long the answer takes', async () => {
    // A queued delivery waits for its group's commit on the writer thread; the FIN arrives first.
    const payload = inRepository(realPayload('pull_request', 'opened'), 'aipacto/aipacto');
    const delivery = await signedDelivery(
      'pull_request',
      payload,
      'edge-secret-for-tests',
      'half-1',
    );
    const head = Object.entries(delivery.headers).map(([k, v]) => `${k}: ${v}\r\n`);
    const webhook = `POST /webhooks/github HTTP/1.1\r\nHost: bot\r\nContent-Length: ${Buffer.byteLength(delivery.body)}\r\n${head.join('')}\r\n${delivery.body}`;
    expect((await rawRequest(port, webhook, 5_000, true)).status).toBe(202);
    expect((await rawRequest(port, webhook, 5_000, true)).status).toBe(200);
    const slow = createBotHttpServer({
      handleWebhook: async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return { status: 202, body: { status: 'queued' } };
      },
      allowCertificate: async () => true,
      health: async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return { ok: true, checks: {} };
      },
      logger: silentLogger,
    });
    const slowPort = await listen(slow, 0);
    try {
      const requests: [string, number][] = [
        ['POST /webhooks/github HTTP/1.1\r\nHost: bot\r\nContent-Length: 2\r\n\r\n{}', 202],
        ['GET /healthz HTTP/1.1\r\nHost: bot\r\n\r\n', 200],
        ['GET /healthz HTTP/1.0\r\n\r\n', 200],
      ];
      for (const [bytes, status] of requests)
        expect((await rawRequest(slowPort, bytes, 5_000, true)).status, bytes).toBe(status);
    } finally {
      await close(slow);
    }
    await healthy();
  });
});
