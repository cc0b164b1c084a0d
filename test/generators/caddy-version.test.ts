import { describe, expect, it } from 'vitest';
import {
  caddyFeatures,
  forCaddyVersion,
  STREAM_CLOSE_DELAY_NS,
} from '../../generators/caddy/caddy-version.js';
import { caddyBaseConfig, caddyRoute } from '../../generators/caddy/route-json.js';
import { envRoutes } from '../../generators/caddy/routes.js';
import { exampleConfig } from './render-support.js';

const config = exampleConfig('aipacto');
const route = caddyRoute(envRoutes(config, { kind: 'pr', number: 7 }));

const count = (text: string, what: string) => text.split(what).length - 1;

describe('Caddy JSON per Caddy version', () => {
  it.each([
    [undefined, false, false],
    ['2.6.2', false, false],
    ['v2.6.4', false, false],
    ['2.7.0', true, false],
    ['2.7.6', true, false],
    ['2.8.0-beta.1', true, true],
    ['2.10.2', true, true],
    ['3.0.0', true, true],
    ['garbage', false, false],
  ])('%s: stream_close_delay %s, permission module %s', (version, delay, permission) => {
    expect(caddyFeatures(version)).toEqual({
      streamCloseDelay: delay,
      permissionModule: permission,
    });
  });

  it('leaves the route as Caddy 2.6 takes it for an old or unknown Caddy', () => {
    expect(forCaddyVersion(route, '2.6.2')).toBe(route);
    expect(JSON.stringify(route)).not.toContain('stream_close_delay');
  });

  it('gives every reverse_proxy a stream_close_delay from 2.7, without changing the input', () => {
    const before = JSON.stringify(route);
    const adapted = JSON.stringify(forCaddyVersion(route, '2.7.0'));
    const proxies = count(before, '"handler":"reverse_proxy"');
    expect(proxies).toBeGreaterThanOrEqual(2);
    expect(count(adapted, `"stream_close_delay":${STREAM_CLOSE_DELAY_NS}`)).toBe(proxies);
    expect(JSON.stringify(route)).toBe(before);
  });

  it('turns on_demand.ask into the http permission module from 2.8, and keeps ask before', () => {
    const base = caddyBaseConfig(config, []);
    const tls = (json: unknown) => (json as { apps: { tls: unknown } }).apps.tls;
    expect(tls(forCaddyVersion(base, '2.7.6'))).toEqual({
      automation: {
        policies: [{ on_demand: true }],
        on_demand: { ask: 'http://127.0.0.1:8080/tls/ask' },
      },
    });
    expect(tls(forCaddyVersion(base, '2.10.2'))).toEqual({
      automation: {
        policies: [{ on_demand: true }],
        on_demand: { permission: { module: 'http', endpoint: 'http://127.0.0.1:8080/tls/ask' } },
      },
    });
  });
});
