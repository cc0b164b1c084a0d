import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaddyAdminClient } from '../../bot/adapters/caddy/admin-client.js';
import { createConsulClient } from '../../bot/adapters/consul/client.js';
import { BOT_SERVICE_NAME, botRoute } from '../../generators/nomad/bot-job.js';
import { useCaddy } from '../support/caddy-process.js';
import { useConsul } from '../support/consul-process.js';
import {
  getWithHost,
  startLocalHttpServer,
  type LocalHttpServer,
} from '../support/local-http-server.js';
import { exampleConfig } from '../generators/render-support.js';

const consulProcess = useConsul();
const caddyProcess = useCaddy();
const botHost = 'prenv.aipacto.test';
let bot: LocalHttpServer;

beforeAll(async () => {
  bot = await startLocalHttpServer('the bot');
  const consul = createConsulClient({ baseUrl: consulProcess().httpUrl, fetch });
  await consul.services.register({
    id: `${BOT_SERVICE_NAME}-1`,
    name: BOT_SERVICE_NAME,
    address: '127.0.0.1',
    port: bot.port,
    check: { http: `${bot.url}/health`, interval: '1s', timeout: '1s' },
  });
  const health = await consul.services.waitHealthy(BOT_SERVICE_NAME, { timeoutMs: 15_000 });
  expect(health.healthy).toBe(true);
});

afterAll(async () => {
  await bot?.close();
});

describe("the bot's webhook route in the real Caddy", () => {
  it('sends the webhook host to the prenv-bot Consul service, as env routes do', async () => {
    const caddy = createCaddyAdminClient({
      baseUrl: caddyProcess().adminUrl,
      fetch,
      server: caddyProcess().serverName,
    });
    await caddy.loadConfig(caddyProcess().baseConfig);
    const config = exampleConfig('aipacto');
    const dns = {
      ...config,
      consul: { ...config.consul, dns: `127.0.0.1:${consulProcess().dnsPort}` },
    };
    const get = (host: string, path = '/webhooks/github') =>
      getWithHost(`http://127.0.0.1:${caddyProcess().httpPort}${path}`, host);

    expect((await get(botHost)).status).toBe(404);
    expect(await caddy.addRoute('bot', botRoute(dns, botHost))).toBe('added');
    expect(await get(botHost)).toEqual({ status: 200, body: 'the bot' });
    expect(await get(botHost, '/healthz')).toEqual({ status: 200, body: 'the bot' });
    expect((await caddy.listPrenvRoutes()).map((r) => r.env)).toEqual(['bot']);
    expect((await get('pr-1.pr.aipacto.test')).status).toBe(404);
  });

  it.each(['/metrics', '/tls/ask?domain=evil.example', '/', '/webhooks/github/x', '/webhooks'])(
    'answers 404 at Caddy for %s on the webhook host: only the public paths reach the bot',
    async (path) => {
      const res = await getWithHost(`http://127.0.0.1:${caddyProcess().httpPort}${path}`, botHost);
      expect(res).toEqual({ status: 404, body: '' });
    },
  );
});
