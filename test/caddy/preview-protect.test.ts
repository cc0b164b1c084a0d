import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaddyAdminClient } from '../../bot/adapters/caddy/admin-client.js';
import { createConsulClient } from '../../bot/adapters/consul/client.js';
import { loadConfigOrThrow } from '../../bot/config/load.js';
import { silentLogger } from '../../bot/core/logger.js';
import { emptyWorld } from '../../bot/core/model.js';
import {
  createDashboard,
  SESSION_COOKIE,
  type Dashboard,
} from '../../bot/server/dashboard/routes.js';
import { RunLog } from '../../bot/server/dashboard/run-log.js';
import { close, createBotHttpServer, listen } from '../../bot/server/http-server.js';
import { caddyRoute } from '../../generators/caddy/route-json.js';
import { envRoutes } from '../../generators/caddy/routes.js';
import { useCaddy } from '../support/caddy-process.js';
import { useConsul } from '../support/consul-process.js';

// The generated PR route with its forward_auth gate, in real Caddy 2.6.2, asking a real bot
// HTTP server found through Consul DNS SRV (as `prenv-bot`, the bot job's service).
const consulProcess = useConsul();
const caddyProcess = useCaddy();
const HOST = 'pr-7.pr.demo.example.test';
/** PR 8 is behind `previews.protect: basic` (the same bot, another config). */
const BASIC_HOST = 'pr-8.pr.demo.example.test';

let app: Server;
let bot: Server;
let botUrl: string;
let dashboard: Dashboard;
let basicDashboard: Dashboard;
let session: string;
let seenByApp: Array<Record<string, unknown>> = [];

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A request through Caddy for the preview host (PR 7's unless `host` says), with extra headers. */
function viaCaddy(
  path: string,
  headers: Record<string, string> = {},
  host = HOST,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `http://127.0.0.1:${caddyProcess().httpPort}${path}`,
      { headers: { host, ...headers }, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

async function serve(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  const dns = `127.0.0.1:${consulProcess().dnsPort}`;
  const yaml = (protect: string) =>
    loadConfigOrThrow(
      `project: demo
github: { owner: acme, repo: demo }
domain: demo.example.test
tls: { mode: off }
consul: { dns: "${dns}" }
previews: { protect: ${protect} }
services:
  web:
    image: acme/web:1
    port: 8080
    route: { path: / }
`,
      'prenv.yml',
    );
  const config = yaml('github');
  const basicConfig = yaml('basic');
  app = createServer((req, res) => {
    seenByApp.push({
      url: req.url,
      bypass: req.headers['x-prenv-bypass'] ?? null,
      authorization: req.headers.authorization ?? null,
      headers: req.headers,
    });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('the app of pr-7');
  });
  const appPort = await serve(app);
  const late: { dashboard?: Dashboard; basic?: Dashboard } = {};
  bot = createBotHttpServer({
    handleWebhook: async () => ({ status: 202, body: { status: 'queued' } }),
    allowCertificate: async () => false,
    health: async () => ({ ok: true, checks: {} }),
    logger: silentLogger,
    // One bot, two repositories' settings: Caddy's verify request keeps the preview's Host.
    pages: (req, res, url) =>
      (req.headers.host === BASIC_HOST ? late.basic! : late.dashboard!).handle(req, res, url),
  });
  const botPort = await listen(bot, 0);
  botUrl = `http://127.0.0.1:${botPort}`;
  dashboard = late.dashboard = createDashboard({
    config,
    world: async () => emptyWorld(),
    runs: new RunLog({ secrets: [] }),
    secret: 'server-secret-for-caddy-tests',
    publicUrl: botUrl,
    oauth: null,
    logger: silentLogger,
  });
  basicDashboard = late.basic = createDashboard({
    config: basicConfig,
    world: async () => emptyWorld(),
    runs: new RunLog({ secrets: [] }),
    secret: 'server-secret-for-caddy-tests',
    publicUrl: botUrl,
    oauth: null,
    logger: silentLogger,
  });
  session = `${SESSION_COOKIE}=${dashboard.signer.sign({ login: 'reader', read: true }, 60_000, Date.now())}`;
  const consul = createConsulClient({ baseUrl: consulProcess().httpUrl, fetch });
  for (const [name, port] of [
    ['demo-pr-7-web', appPort],
    ['demo-pr-8-web', appPort],
    ['prenv-bot', botPort],
  ] as const) {
    await consul.services.register({ id: `${name}-1`, name, address: '127.0.0.1', port });
  }
  const caddy = createCaddyAdminClient({
    baseUrl: caddyProcess().adminUrl,
    fetch,
    server: caddyProcess().serverName,
  });
  await caddy.loadConfig(caddyProcess().baseConfig);
  await caddy.addRoute('pr-7', caddyRoute(envRoutes(config, { kind: 'pr', number: 7 })));
  await caddy.addRoute('pr-8', caddyRoute(envRoutes(basicConfig, { kind: 'pr', number: 8 })));
});

afterAll(async () => {
  await close(bot);
  app?.closeAllConnections();
  await new Promise((r) => app?.close(r));
});

describe('a protected preview host in Caddy', () => {
  it('sends a signed-out request to the sign-in, and the app never sees it', async () => {
    seenByApp = [];
    const res = await viaCaddy('/orders?id=3');
    expect(res.status).toBe(302);
    const location = new URL(String(res.headers.location));
    expect(`${location.origin}${location.pathname}`).toBe(`${botUrl}/auth/preview`);
    expect(location.searchParams.get('to')).toBe(`http://${HOST}/orders?id=3`);
    expect(seenByApp).toEqual([]);
    // The bot sends a signed-out browser on to GitHub's sign-in.
    const handOff = await fetch(location, { redirect: 'manual' });
    expect(handOff.headers.get('location')).toMatch(/^\/auth\/login\?next=/);
  });

  it('lets a signed-in reader through after the hand-off to the preview host', async () => {
    const handOff = await fetch(
      `${botUrl}/auth/preview?to=${encodeURIComponent(`http://${HOST}/orders?id=3`)}`,
      { redirect: 'manual', headers: { cookie: session } },
    );
    expect(handOff.status).toBe(302);
    const ticketUrl = new URL(handOff.headers.get('location')!);
    expect(ticketUrl.host).toBe(HOST);
    const landed = await viaCaddy(ticketUrl.pathname + ticketUrl.search);
    expect(landed.status).toBe(302);
    expect(landed.headers.location).toBe('/orders?id=3');
    const cookie = String(landed.headers['set-cookie']).split(';')[0]!;
    expect(cookie).toMatch(/^prenv_preview=/);
    const page = await viaCaddy('/orders?id=3', { cookie });
    expect(page).toMatchObject({ status: 200, body: 'the app of pr-7' });
    // A ticket is for one host: the dashboard's own cookie does not open the preview.
    expect((await viaCaddy('/', { cookie: session })).status).toBe(302);
  });

  it('takes a ticket once: its URL replayed from history or a log gets the sign-in redirect', async () => {
    const handOff = await fetch(
      `${botUrl}/auth/preview?to=${encodeURIComponent(`http://${HOST}/reports`)}`,
      { redirect: 'manual', headers: { cookie: session } },
    );
    const ticketUrl = new URL(handOff.headers.get('location')!);
    const path = ticketUrl.pathname + ticketUrl.search;
    const first = await viaCaddy(path);
    expect(first.status).toBe(302);
    expect(String(first.headers['set-cookie'])).toMatch(/^prenv_preview=/);
    seenByApp = [];
    for (const headers of [{}, { referer: `http://${HOST}${path}` }] as Record<string, string>[]) {
      const replay = await viaCaddy(path, headers);
      expect(replay.status).toBe(302);
      expect(replay.headers['set-cookie']).toBeUndefined();
      const location = new URL(String(replay.headers.location));
      expect(`${location.origin}${location.pathname}`).toBe(`${botUrl}/auth/preview`);
    }
    expect(seenByApp).toEqual([]);
  });

  it('lets a request with the bypass token through, header or query, without passing the header on', async () => {
    seenByApp = [];
    const token = dashboard.gate.bypassToken(7);
    const byHeader = await viaCaddy('/api', { 'x-prenv-bypass': token });
    expect(byHeader).toMatchObject({ status: 200, body: 'the app of pr-7' });
    const byQuery = await viaCaddy(`/api?prenv_bypass=${token}`);
    expect(byQuery).toMatchObject({ status: 200, body: 'the app of pr-7' });
    expect(seenByApp.map((s) => s.bypass)).toEqual([null, null]);
  });

  // What the app is sent after the gate passed on the token: the query without the bypass
  // parameter, every other pair byte for byte and in order.
  it.each([
    ['/api?prenv_bypass=TOKEN', {}, '/api'],
    ['/api?prenv_bypass=TOKEN&page=2', {}, '/api?page=2'],
    [
      '/api?q=a%20b+c&prenv_bypass=TOKEN&sort=-id&x=%E2%9C%93',
      {},
      '/api?q=a%20b+c&sort=-id&x=%E2%9C%93',
    ],
    ['/api?prenv%5Fbypass=TOKEN&a=1', {}, '/api?a=1'],
    ['/api?a=1&prenv_bypass=TOKEN&prenv_bypass=TOKEN', {}, '/api?a=1'],
    ['/api?a=&&b=1&prenv_bypass=TOKEN', {}, '/api?a=&&b=1'],
    ['/a/b/?prenv_bypass=TOKEN&c=d', {}, '/a/b/?c=d'],
    // Passed by the header, a wrong parameter is taken out too.
    ['/api?prenv_bypass=wrong&z=1', { 'x-prenv-bypass': 'TOKEN' }, '/api?z=1'],
    ['/api?z=1', { 'x-prenv-bypass': 'TOKEN' }, '/api?z=1'],
  ])('passes %s on to the app without the token', async (path, headers, seen) => {
    seenByApp = [];
    const token = dashboard.gate.bypassToken(7);
    const withToken = (text: string) => text.replaceAll('TOKEN', token);
    const res = await viaCaddy(
      withToken(path),
      Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, withToken(v)])),
    );
    expect(res).toMatchObject({ status: 200, body: 'the app of pr-7' });
    expect(seenByApp).toMatchObject([{ url: seen, bypass: null }]);
    expect(JSON.stringify(seenByApp)).not.toContain(token);
  });

  it.each([
    ['another environment’s token', () => dashboard.gate.bypassToken(8)],
    ['a shortened token', () => dashboard.gate.bypassToken(7).slice(0, -1)],
    ['an empty token', () => ''],
  ])('refuses %s', async (_name, token) => {
    const res = await viaCaddy('/', { 'x-prenv-bypass': token() });
    expect(res.status).toBe(302);
  });
});

describe('a preview host behind previews.protect: basic in Caddy', () => {
  const basic = (password: string) => `Basic ${Buffer.from(`ci:${password}`).toString('base64')}`;

  it.each([
    ['no credentials', () => null],
    ['a wrong password', () => 'wrong'],
    ['another environment’s token', () => basicDashboard.gate.bypassToken(7)],
  ])('asks for the token as the password on %s', async (_name, password) => {
    seenByApp = [];
    const given = password();
    const res = await viaCaddy(
      '/',
      given === null ? {} : { authorization: basic(given) },
      BASIC_HOST,
    );
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="pr-8", charset="UTF-8"');
    expect(seenByApp).toEqual([]);
  });

  it('lets the token as the password through, and the app never sees the credentials', async () => {
    seenByApp = [];
    const token = basicDashboard.gate.bypassToken(8);
    const res = await viaCaddy('/orders?id=1', { authorization: basic(token) }, BASIC_HOST);
    expect(res).toMatchObject({ status: 200, body: 'the app of pr-7' });
    const withQuery = await viaCaddy(
      `/orders?prenv_bypass=wrong&id=1`,
      { authorization: basic(token) },
      BASIC_HOST,
    );
    expect(withQuery.status).toBe(200);
    expect(seenByApp).toMatchObject([
      { url: '/orders?id=1', authorization: null, bypass: null },
      { url: '/orders?id=1', authorization: null, bypass: null },
    ]);
    expect(JSON.stringify(seenByApp)).not.toContain(token);
  });

  it('keeps the app’s own Authorization when the token came another way', async () => {
    seenByApp = [];
    const token = basicDashboard.gate.bypassToken(8);
    const headers = { authorization: 'Bearer the-app-s-own' };
    await viaCaddy('/api', { ...headers, 'x-prenv-bypass': token }, BASIC_HOST);
    await viaCaddy(`/api?prenv_bypass=${token}`, headers, BASIC_HOST);
    expect(seenByApp).toMatchObject([
      { url: '/api', authorization: 'Bearer the-app-s-own', bypass: null },
      { url: '/api', authorization: 'Bearer the-app-s-own', bypass: null },
    ]);
    expect(JSON.stringify(seenByApp)).not.toContain(token);
  });
});
