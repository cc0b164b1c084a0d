import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../bot/core/logger.js';
import { IntakeLoad } from '../../bot/runtime/intake-load.js';
import { close, createBotHttpServer, listen } from '../../bot/server/http-server.js';
import type { WebhookAnswer } from '../../bot/server/webhook-handler.js';
import { rawRequest } from '../support/raw-http.js';

let server: Server | null = null;
afterEach(async () => {
  if (server) await close(server);
  server = null;
});

const post = (body: string) =>
  `POST /webhooks/github HTTP/1.1\r\nHost: bot\r\nX-GitHub-Event: ping\r\nX-GitHub-Delivery: d\r\nX-Hub-Signature-256: sha256=00\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

/** The edge on a clock the test moves; `seen` is whether the intake was busy in the handler. */
async function edge(handle: () => Promise<WebhookAnswer>) {
  let now = 0;
  const load = new IntakeLoad(5, () => now);
  const seen: boolean[] = [];
  server = createBotHttpServer({
    handleWebhook: async () => {
      seen.push(load.busy);
      return handle();
    },
    allowCertificate: async () => false,
    health: async () => ({ ok: true, checks: {} }),
    logger: silentLogger,
    intake: load,
    maxBodyBytes: 64,
  });
  const port = await listen(server, 0);
  return { port, load, seen, later: () => (now += 1_000) };
}

describe('the HTTP edge counts webhook requests for the engine', () => {
  it.each<[string, string, () => Promise<WebhookAnswer>, number]>([
    ['answered', '{}', async () => ({ status: 202, body: { status: 'queued' } }), 202],
    ['failed in the handler', '{}', () => Promise.reject(new Error('disk gone')), 500],
    ['too large', 'x'.repeat(100), async () => ({ status: 202, body: { status: 'queued' } }), 413],
  ])('a request %s is counted until its answer, then no more', async (_, body, handle, status) => {
    const { port, load, seen, later } = await edge(handle);
    const answer = await rawRequest(port, post(body));
    expect(answer.status).toBe(status);
    if (status !== 413) expect(seen).toEqual([true]);
    later();
    expect(load.busy).toBe(false);
  });

  it('a GET is not a delivery: the intake stays quiet', async () => {
    const { port, load } = await edge(async () => ({ status: 202, body: { status: 'x' } }));
    expect((await rawRequest(port, 'GET /healthz HTTP/1.1\r\nHost: bot\r\n\r\n')).status).toBe(200);
    expect(load.busy).toBe(false);
  });
});
