import { describe, expect, it } from 'vitest';
import { caddyAdapt, caddyValidate } from '../../bot/adapters/caddy/cli.js';
import { caddyBaseConfig, caddyRoute } from '../../generators/caddy/route-json.js';
import { sizeBytes } from '../../bot/config/size.js';
import { envRoutes } from '../../generators/caddy/routes.js';
import { renderEnvironment } from '../../generators/render-environment.js';
import { requireTool } from '../support/tools.js';
import { configFromYaml, repoTemplates } from './render-support.js';

const yaml = (tls: string) => `project: demo
github: { owner: acme, repo: demo }
domain: demo.example.com
tls: ${tls}
services:
  api:
    image: acme/api:1
    port: 8080
    route: { path: /api, max_body: 2GB, timeout: 1h, websocket: true }
  admin:
    image: acme/admin:1
    port: 8081
    route: { path: /api/admin }
  docs:
    image: acme/docs:1
    port: 8082
    route: { path: /docs/ }
`;

describe('Caddy routes', () => {
  const caddy = requireTool('caddy');

  it('orders paths longest first and ends with a 404 when nothing takes /', () => {
    const env = envRoutes(configFromYaml(yaml('{ mode: off }')), { kind: 'pr', number: 3 });
    expect(env.routes.map((r) => [r.service, r.matchPaths])).toEqual([
      ['admin', ['/api/admin', '/api/admin/*']],
      ['docs', ['/docs/*']],
      ['api', ['/api', '/api/*']],
    ]);
    expect(env.notFoundFallback).toBe(true);
    const route = caddyRoute(env) as { handle: { routes: unknown[] }[] };
    expect(route.handle[0]?.routes.at(-1)).toEqual({
      handle: [{ handler: 'static_response', status_code: 404 }],
    });
  });

  it.each([
    ['pr', 'github', true],
    ['pr', 'basic', true],
    ['pr', 'none', false],
    ['staging', 'github', false],
    ['production', 'github', false],
  ] as const)('%s env with previews.protect %s: gate %s', (kind, protect, gated) => {
    const config = configFromYaml(`${yaml('{ mode: off }')}previews: { protect: ${protect} }\n`);
    const ctx = kind === 'pr' ? ({ kind, number: 3 } as const) : ({ kind } as const);
    const route = caddyRoute(envRoutes(config, ctx)) as { handle: { routes: unknown[] }[] };
    expect(JSON.stringify(route.handle[0]!.routes[0]).includes('/auth/verify')).toBe(gated);
  });

  it('reads sizes as Caddy does (GB = 10^9, GiB = 2^30)', () => {
    expect(sizeBytes('2GB')).toBe(2_000_000_000);
    expect(sizeBytes('2GiB')).toBe(2 * 1024 ** 3);
  });

  it.each([
    '{ mode: on_demand, ask: "http://127.0.0.1:9/ask" }',
    '{ mode: internal }',
    '{ mode: off }',
    '{ mode: auto }',
  ])('renders a Caddyfile that matches the JSON route, with tls %s', async (tls) => {
    const config = configFromYaml(yaml(tls));
    const files = renderEnvironment(config, { kind: 'pr', number: 3 }, await repoTemplates());
    const caddyfile = files.find((f) => f.kind === 'caddyfile')!.content;
    const adapted = await caddyAdapt(caddyfile, { caddyPath: caddy });
    if (!adapted.ok) throw new Error(adapted.message);
    const text = JSON.stringify(adapted.config);
    // The same upstreams, body limit and timeouts reach Caddy from both forms.
    expect(text).toContain('"max_size":2000000000');
    expect(text).toContain('"read_timeout":3600000000000');
    expect(text).toContain('"flush_interval":-1');
    for (const svc of ['api', 'admin', 'docs']) {
      expect(text).toContain(
        `"name":"demo-pr-3-${svc}.service.consul","refresh":2000000000,"resolver":{"addresses":["127.0.0.1:8600"]},"source":"srv"`,
      );
    }
    expect(text).toContain('"static_response","status_code":404');
    // Both forms ask the bot first (previews.protect defaults to github), drop the bypass header,
    // and drop the Basic credentials and the bypass parameter when the bot's answer says so.
    expect(text).toContain('"rewrite":{"method":"GET","uri":"/auth/verify"}');
    expect(text).toContain('"name":"prenv-bot.service.consul"');
    expect(text).toContain('"delete":["X-Prenv-Bypass"]');
    const json = JSON.stringify(caddyRoute(envRoutes(config, { kind: 'pr', number: 3 })));
    for (const part of [
      '{"handler":"headers","request":{"delete":["Authorization"]}}',
      '"match":[{"vars":{"{http.reverse_proxy.header.X-Prenv-Drop-Authorization}":["1"]}}]',
      '"match":[{"vars":{"{http.reverse_proxy.header.X-Prenv-Drop-Query}":["1"]}}]',
      '"uri_substring":[{"find":"{http.request.uri.query}","replace":"{http.reverse_proxy.header.X-Prenv-Query}"}]',
    ]) {
      expect(text).toContain(part);
      expect(json).toContain(part);
    }
    expect(text.includes('"on_demand":true')).toBe(tls.includes('on_demand'));
    expect(text.includes('"module":"internal"')).toBe(tls.includes('internal'));

    const route = JSON.parse(files.find((f) => f.kind === 'caddy-route')!.content) as Record<
      string,
      unknown
    >;
    expect(route['@id']).toBe('prenv-pr-3');
    const valid = await caddyValidate(caddyBaseConfig(config, [route]), {
      caddyPath: caddy,
      format: 'json',
    });
    expect(valid).toMatchObject({ ok: true });
  });
});
