import { mkdtempSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import type { StateStore } from '../../bot/adapters/store/state-store.js';
import { loadConfigOrThrow } from '../../bot/config/load.js';
import { silentLogger } from '../../bot/core/logger.js';
import { createDashboard, SESSION_COOKIE } from '../../bot/server/dashboard/routes.js';
import { RunLog } from '../../bot/server/dashboard/run-log.js';
import { checkHealth, publicHealth } from '../../bot/server/health.js';
import {
  botRoutes,
  close,
  createBotHttpServer,
  listen,
  type BotHttpOptions,
} from '../../bot/server/http-server.js';
import { serveMetrics } from '../../bot/server/serve-metrics.js';
import { createWebhookHandler, screenWebhookHeaders } from '../../bot/server/webhook-handler.js';
import { rawRequest } from '../support/raw-http.js';
import { repoRoot } from '../support/tools.js';
import { signedDelivery } from '../support/webhook-examples.js';

// Every route of the bot's HTTP edge, taken from its routers (the bot's own table and the
// dashboard's), gets each malformed form of request: a 4xx, never a 500, and /healthz after.
const SECRET = 'malformed-requests-secret';
const config = loadConfigOrThrow(
  readFileSync(path.join(repoRoot, 'examples/aipacto/prenv.yml'), 'utf8'),
  'prenv.yml',
);

let store: StateStore;
let server: Server;
let port: number;
let options: BotHttpOptions;
let pagePaths: readonly string[];
let cookie: string;

beforeAll(async () => {
  store = openSqliteStore(path.join(mkdtempSync(path.join(tmpdir(), 'prenv-bad-')), 'state.db'));
  const dashboard = createDashboard({
    config,
    world: async () => (await store.loadWorld()).world,
    runs: new RunLog({ secrets: [] }),
    secret: SECRET,
    publicUrl: 'https://bot.aipacto.com',
    oauth: {
      clientId: 'Iv1.x',
      clientSecret: 'client-secret',
      webUrl: 'http://127.0.0.1:9',
      apiUrl: 'http://127.0.0.1:9',
    },
    logger: silentLogger,
  });
  pagePaths = dashboard.paths;
  cookie = `${SESSION_COOKIE}=${dashboard.signer.sign({ login: 'reader', read: true }, 60_000, Date.now())}`;
  const metrics = serveMetrics(config, () => store);
  options = {
    handleWebhook: createWebhookHandler({
      secret: SECRET,
      store,
      appLogin: 'prenv[bot]',
      repository: 'aipacto/aipacto',
      logger: silentLogger,
      now: Date.now,
      onQueued: () => {},
    }),
    screenWebhook: screenWebhookHeaders,
    allowCertificate: async () => false,
    health: async () =>
      publicHealth(silentLogger)(
        await checkHealth({ store, lastProgressAt: Date.now, stallMs: 60_000 }),
      ),
    metrics: metrics.scrape,
    pages: dashboard.handle,
    logger: silentLogger,
  };
  server = createBotHttpServer(options);
  port = await listen(server, 0);
});

afterAll(async () => {
  await close(server);
  await store.close();
});

/** Every route as method and a path it serves: the bot's table, then the dashboard's pages. */
function everyRoute(): Array<[string, string]> {
  const own = Object.entries(botRoutes(options)).flatMap(([p, methods]) =>
    Object.keys(methods).map((m): [string, string] => [m, p]),
  );
  return [
    ...own,
    ...pagePaths.flatMap((p): Array<[string, string]> => [
      ['GET', p],
      ['HEAD', p],
    ]),
  ];
}

/** Malformed forms of a path: percent-encoding that does not decode, in the path or the query. */
const MALFORMED: Array<[string, (p: string) => string]> = [
  ['a stray % in the path', (p) => `${p}%%zz`],
  ['a cut UTF-8 escape as the last segment', (p) => p.replace(/[^/]*$/, '%E0%A4%A')],
  ['an escape that is not UTF-8', (p) => `${p.replace(/\/$/, '')}/%FF`],
  ['a stray % in the query', (p) => `${p}?%%zz`],
  ['a cut escape in a query value', (p) => `${p}?next=%E0%A4%A`],
  ['a % without hex digits in a query value', (p) => `${p}?to=%G1&state=%`],
];

async function send(method: string, target: string, withCookie: boolean) {
  // A signed, well-formed delivery body: only the target is wrong.
  const delivery = await signedDelivery('ping', { zen: 'x' }, SECRET, `bad-${Math.random()}`);
  const headers =
    method === 'POST'
      ? Object.entries({ ...delivery.headers, 'content-length': String(delivery.body.length) })
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('')
      : '';
  const body = method === 'POST' ? delivery.body : '';
  return rawRequest(
    port,
    `${method} ${target} HTTP/1.1\r\nHost: bot.aipacto.com\r\n${withCookie ? `Cookie: ${cookie}\r\n` : ''}${headers}\r\n${body}`,
  );
}

async function healthy(): Promise<void> {
  expect((await rawRequest(port, 'GET /healthz HTTP/1.1\r\nHost: bot\r\n\r\n')).status).toBe(200);
}

describe('malformed requests on every route', () => {
  it('covers every route the routers have', () => {
    const paths = everyRoute().map(([, p]) => p);
    for (const p of ['/webhooks/github', '/healthz', '/metrics', '/tls/ask'])
      expect(paths).toContain(p);
    for (const p of ['/', '/pr/7', '/env/production', '/auth/verify', '/auth/callback'])
      expect(paths).toContain(p);
  });

  it('serves each route well-formed (the forms below are refused for their encoding alone)', async () => {
    for (const [method, p] of everyRoute()) {
      const answer = await send(method, p, true);
      expect(answer.status, `${method} ${p}`).toBeLessThan(500);
      expect(answer.body, `${method} ${p}`).not.toContain('malformed request target');
    }
  });

  it.each(MALFORMED)(
    'answers %s with 400 on every route, signed in or not',
    async (_name, form) => {
      for (const [method, p] of everyRoute()) {
        for (const withCookie of [false, true]) {
          const target = form(p);
          const answer = await send(method, target, withCookie);
          expect(answer.status, `${method} ${target}`).toBe(400);
          if (method !== 'HEAD') expect(answer.body).toContain('malformed request target');
        }
      }
      await healthy();
    },
  );
});

describe('a signed delivery whose body is JSON but no object', () => {
  it.each(['[]', '"x"', 'null', '7', 'true', '[{"action":"opened"}]', '""'])(
    'answers %s with 400 and goes on',
    async (body) => {
      const delivery = await signedDelivery('pull_request', JSON.parse(body), SECRET, body);
      expect(delivery.body).toBe(body);
      const res = await fetch(`http://127.0.0.1:${port}/webhooks/github`, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        status: 'rejected',
        message: 'body is not a JSON object',
      });
      await healthy();
    },
  );
});
