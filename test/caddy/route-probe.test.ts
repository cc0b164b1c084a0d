import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaddyAdminClient } from '../../bot/adapters/caddy/admin-client.js';
import { createConsulClient } from '../../bot/adapters/consul/client.js';
import { routeProbe } from '../../bot/runtime/route-probe.js';
import { waitForRoute } from '../../bot/runtime/waits.js';
import { caddyRoute } from '../../generators/caddy/route-json.js';
import { envRoutes } from '../../generators/caddy/routes.js';
import type { EnvContext } from '../../generators/env-context.js';
import { configFromYaml } from '../generators/render-support.js';
import { useCaddy } from '../support/caddy-process.js';
import { useConsul } from '../support/consul-process.js';
import { startLocalHttpServer, type LocalHttpServer } from '../support/local-http-server.js';
import { startOnFreePorts } from '../support/local-process.js';

// The last check of a deploy, against real Caddy 2.6.2 routing to a real Consul's SRV records.
const consulProcess = useConsul();
const plainCaddy = useCaddy();
const tlsCaddy = useCaddy();

const ctx: EnvContext = { kind: 'pr', number: 7 };
let app: LocalHttpServer | undefined;
let config: ReturnType<typeof configFromYaml>;

const yaml = `
project: shop
github: { owner: acme, repo: shop }
domain: shop.test
# Routing and probing, not the sign-in gate (test/caddy/preview-protect.test.ts).
previews: { protect: none }
services:
  web:
    image: 'acme/web:{{sha}}'
    port: 80
    health: /health
    route: { path: / }
`;

beforeAll(async () => {
  const base = configFromYaml(yaml);
  config = { ...base, consul: { ...base.consul, dns: `127.0.0.1:${consulProcess().dnsPort}` } };
  const route = caddyRoute(envRoutes(config, ctx));
  const plain = createCaddyAdminClient({
    baseUrl: plainCaddy().adminUrl,
    fetch,
    server: plainCaddy().serverName,
  });
  await plain.loadConfig(plainCaddy().baseConfig);
  await plain.addRoute('pr-7', route);
  // The same route on a Caddy with automatic HTTPS: certificates from its internal CA, and the
  // HTTP listener redirecting every routed host to HTTPS.
  const tls = createCaddyAdminClient({
    baseUrl: tlsCaddy().adminUrl,
    fetch,
    server: tlsCaddy().serverName,
  });
  const httpsPort = await startOnFreePorts(1, async ([httpsPort]) => {
    await tls.loadConfig({
      admin: (tlsCaddy().baseConfig as { admin: unknown }).admin,
      apps: {
        http: {
          http_port: tlsCaddy().httpPort,
          https_port: httpsPort,
          servers: {
            prenv: {
              listen: [`127.0.0.1:${httpsPort}`],
              routes: [route, { handle: [{ handler: 'static_response', status_code: 404 }] }],
            },
          },
        },
        tls: { automation: { policies: [{ issuers: [{ module: 'internal' }] }] } },
        pki: { certificate_authorities: { local: { install_trust: false } } },
      },
    });
    return httpsPort as number;
  });
  tlsEntry = `https://127.0.0.1:${httpsPort}`;
});

let tlsEntry = '';

afterAll(async () => {
  await app?.close();
});

const plainProbe = () =>
  routeProbe({ config, entry: `http://127.0.0.1:${plainCaddy().httpPort}`, timeoutMs: 3_000 });
const quick = { timeoutMs: 8_000, pollMs: 250 };

describe('the last check of a deploy, through the real Caddy', () => {
  it('fails while the route has no upstream (Caddy answers 502/503), and the deploy wait reports it', async () => {
    const verdict = await plainProbe()(ctx);
    expect(verdict.ok).toBe(false);
    expect(verdict.text).toMatch(
      /GET http:\/\/pr-7\.pr\.shop\.test\/health \(web\).* answered 50[23]/,
    );
    await expect(
      waitForRoute(() => plainProbe()(ctx), { timeoutMs: 500, pollMs: 100 }),
    ).rejects.toThrow(/answered 50[23]; its health path must answer 2xx \(still so after 0.5s\)/);
  });

  it('passes once the service answers its health path with 2xx', async () => {
    app = await startLocalHttpServer('web');
    const consul = createConsulClient({ baseUrl: consulProcess().httpUrl, fetch });
    await consul.services.register({
      id: 'shop-pr-7-web-1',
      name: 'shop-pr-7-web',
      address: '127.0.0.1',
      port: app.port,
    });
    const verdict = await waitForRoute(() => plainProbe()(ctx), quick);
    expect(verdict.text).toMatch(/\/health \(web\).* answered 200$/);
  });

  it('fails when the health path answers 500', async () => {
    app!.setHealthStatus(500);
    try {
      const verdict = await plainProbe()(ctx);
      expect(verdict).toEqual({
        ok: false,
        text: expect.stringMatching(/answered 500; its health path must answer 2xx$/) as string,
      });
    } finally {
      app!.setHealthStatus(200);
    }
  });

  it("refuses Caddy's redirect to HTTPS, which every host gets on its HTTP listener", async () => {
    const probe = routeProbe({ config, entry: `http://127.0.0.1:${tlsCaddy().httpPort}` });
    const verdict = await probe(ctx);
    expect(verdict.ok).toBe(false);
    expect(verdict.text).toMatch(/answered 308, Caddy's redirect to HTTPS/);
    // A host that has no route at all gets the same 308: the old check counted it as live.
    const other = await probe({ kind: 'pr', number: 8 });
    expect(other.text).toMatch(/pr-8\.pr\.shop\.test.*answered 308/);
  });

  it("passes over HTTPS with the env's host as TLS server name, and fails for an unrouted host", async () => {
    const ca = await readFile(
      path.join(tlsCaddy().dir, 'data/caddy/pki/authorities/local/root.crt'),
      'utf8',
    );
    const probe = routeProbe({ config, entry: tlsEntry, ca, timeoutMs: 5_000 });
    const verdict = await waitForRoute(() => probe(ctx), quick);
    expect(verdict.text).toMatch(/GET https:\/\/pr-7\.pr\.shop\.test\/health .* answered 200$/);
    const unrouted = await probe({ kind: 'pr', number: 8 });
    expect(unrouted.ok).toBe(false);
    // Caddy has no certificate for a host it does not route: the handshake itself fails.
    expect(unrouted.text).toMatch(/pr-8\.pr\.shop\.test.*: no answer \(.*alert/);
  });
});
