import { mkdtempSync } from 'node:fs';
import { request, type IncomingMessage, type Server, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import type { StateStore } from '../../bot/adapters/store/state-store.js';
import { silentLogger } from '../../bot/core/logger.js';
import { BodyBudget } from '../../bot/server/body-budget.js';
import { close, createBotHttpServer, listen, WEBHOOK_PATH } from '../../bot/server/http-server.js';
import { createWebhookHandler, screenWebhookHeaders } from '../../bot/server/webhook-handler.js';
import { until } from '../runtime/harness.js';

const MiB = 1024 * 1024;
const MAX_BODY = 1 * MiB;
const budget = new BodyBudget(2 * MiB);
let store: StateStore;
let server: Server;
let port: number;

beforeAll(async () => {
  store = openSqliteStore(path.join(mkdtempSync(path.join(tmpdir(), 'prenv-bodies-')), 'state.db'));
  server = createBotHttpServer({
    handleWebhook: createWebhookHandler({
      secret: 'bodies-secret-for-tests',
      store,
      appLogin: 'prenv[bot]',
      repository: 'aipacto/aipacto',
      logger: silentLogger,
      now: Date.now,
      onQueued: () => {},
    }),
    screenWebhook: screenWebhookHeaders,
    allowCertificate: async () => false,
    health: async () => ({ ok: true, checks: {} }),
    logger: silentLogger,
    maxBodyBytes: MAX_BODY,
    unverifiedBudget: budget,
  });
  port = await listen(server, 0);
});

afterAll(async () => {
  await close(server);
  await store.close();
});

const SIGNED = {
  'x-github-event': 'pull_request',
  'x-github-delivery': 'd-1',
  'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
};

interface Upload {
  req: ClientRequest;
  response: Promise<IncomingMessage>;
}

/** Starts a POST whose headers are sent at once; the body is written by the test, or never. */
function upload(headers: Record<string, string>): Upload {
  const req = request({ port, method: 'POST', path: WEBHOOK_PATH, headers });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      resolve(res);
    });
    req.on('error', reject);
  });
  req.flushHeaders();
  return { req, response };
}

describe('unsigned bodies are bounded before their signature is checked', () => {
  it('refuses a Content-Length over the limit at once, without reading a byte', async () => {
    const big = upload({ ...SIGNED, 'content-length': String(5 * MiB) });
    const res = await big.response;
    expect(res.statusCode).toBe(413);
    big.req.destroy();
    expect(budget.inUse).toBe(0);
  });

  it('refuses a delivery without a signature before reading its body', async () => {
    const { 'x-hub-signature-256': _omitted, ...unsigned } = SIGNED;
    const bare = upload({ ...unsigned, 'content-length': String(MAX_BODY) });
    expect((await bare.response).statusCode).toBe(401);
    bare.req.destroy();
  });

  it('answers 503 with Retry-After once the unverified bytes would pass the budget', async () => {
    const length = String(MAX_BODY - 1024);
    const first = upload({ ...SIGNED, 'content-length': length });
    const second = upload({ ...SIGNED, 'content-length': length });
    first.req.write('x'.repeat(MAX_BODY - 1025));
    second.req.write('x'.repeat(MAX_BODY - 1025));
    await until(() => budget.inUse >= 2 * (MAX_BODY - 1025), 'both bodies hold their bytes');
    const third = upload({ ...SIGNED, 'content-length': length });
    const refused = await third.response;
    expect(refused.statusCode).toBe(503);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    third.req.destroy();
    // The two held bodies finish: read, then refused for their (wrong) signature.
    for (const u of [first, second]) u.req.end('x');
    expect((await first.response).statusCode).toBe(401);
    expect((await second.response).statusCode).toBe(401);
    await until(() => budget.inUse === 0, 'the budget is given back');
    const fourth = upload({ ...SIGNED, 'content-length': '2' });
    fourth.req.end('{}');
    expect((await fourth.response).statusCode).toBe(401);
  });

  it('counts only bytes received: declared bodies that never come hold nothing', async () => {
    // A few header bytes each: if a declared length were taken on trust, these two would spend
    // the whole budget and every delivery would get 503 until they time out.
    const idle = [0, 1].map(() => upload({ ...SIGNED, 'content-length': String(MAX_BODY) }));
    for (const u of idle) u.req.write('{');
    await until(() => budget.inUse >= 2, 'the idle bodies have sent their first byte');
    const delivery = upload({ ...SIGNED, 'content-length': '2' });
    delivery.req.end('{}');
    expect((await delivery.response).statusCode).toBe(401);
    expect(budget.inUse).toBeLessThan(1024);
    for (const u of idle) {
      u.response.catch(() => {});
      u.req.destroy();
    }
    await until(() => budget.inUse === 0, 'the budget is given back');
  });

  it('keeps chunked bodies, many at once, within the budget', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const uploads = Array.from({ length: 8 }, (_, i) =>
      upload({ ...SIGNED, 'x-github-delivery': `chunked-${i}`, 'transfer-encoding': 'chunked' }),
    );
    const statuses = uploads.map(async (u) => {
      const res = u.response.then((r) => r.statusCode);
      for (let n = 0; n < 12 && !u.req.destroyed; n++) {
        const answered = await Promise.race([res, new Promise((r) => setTimeout(r, 5))]);
        if (answered !== undefined) break;
        u.req.write(chunk);
      }
      if (!u.req.writableEnded) u.req.end();
      return res.catch(() => 'reset');
    });
    const answers = await Promise.all(statuses);
    expect(answers).toContain(503);
    expect(answers.filter((s) => s === 401).length).toBeGreaterThan(0);
    expect(budget.peak).toBeLessThanOrEqual(budget.limitBytes);
    await until(() => budget.inUse === 0, 'the budget is given back');
  });

  it('answers 413 to a chunked body once it passes the limit, and gives its bytes back', async () => {
    const big = upload({
      ...SIGNED,
      'x-github-delivery': 'chunked-big',
      'transfer-encoding': 'chunked',
    });
    const answered = big.response.then((r) => r.statusCode);
    const chunk = 'x'.repeat(256 * 1024);
    for (let sent = 0; sent <= MAX_BODY && !big.req.destroyed; sent += chunk.length) {
      big.req.write(chunk);
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(await answered).toBe(413);
    big.req.destroy();
    await until(() => budget.inUse === 0, 'the budget is given back');
  });

  it('gives back the bytes of a client that goes away mid-body, and still answers the next', async () => {
    const gone = upload({ ...SIGNED, 'x-github-delivery': 'gone', 'content-length': '4096' });
    gone.response.catch(() => {});
    gone.req.write('x'.repeat(1024));
    await until(() => budget.inUse >= 1024, 'the body holds its first bytes');
    gone.req.destroy();
    await until(() => budget.inUse === 0, 'the budget is given back');
    const next = upload({ ...SIGNED, 'x-github-delivery': 'next', 'content-length': '2' });
    next.req.end('{}');
    expect((await next.response).statusCode).toBe(401);
  });
});
