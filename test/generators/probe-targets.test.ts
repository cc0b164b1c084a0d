import { describe, expect, it } from 'vitest';
import {
  probeAccepts,
  probeTargets,
  type ProbeTarget,
} from '../../generators/caddy/probe-targets.js';
import { configFromYaml, exampleConfig } from './render-support.js';

const withServices = (services: string) =>
  configFromYaml(
    `project: shop\ngithub: { owner: acme, repo: shop }\ndomain: shop.test\nservices:\n${services}`,
  );

describe('what the last check of a deploy requests', () => {
  it.each<[string, string, ProbeTarget[]]>([
    [
      'a health path the service’s own route reaches',
      `  web: { image: w, port: 80, health: /healthz, route: { path: / } }\n`,
      [{ service: 'web', path: '/healthz', expect: 'health' }],
    ],
    [
      'a health path a longer route takes away is not probed; the reachable one is',
      `  api: { image: a, port: 3000, health: /health, route: { path: /api } }\n` +
        `  web: { image: w, port: 80, health: /, route: { path: / } }\n`,
      [{ service: 'web', path: '/', expect: 'health' }],
    ],
    [
      'a health path under the service’s prefix',
      `  api: { image: a, port: 3000, health: /api/health, route: { path: /api } }\n` +
        `  web: { image: w, port: 80, route: { path: / } }\n`,
      [{ service: 'api', path: '/api/health', expect: 'health' }],
    ],
    [
      'no health path anywhere: each routed service’s first path',
      `  api: { image: a, port: 3000, route: { path: /api } }\n` + `  worker: { image: k }\n`,
      [{ service: 'api', path: '/api', expect: 'answer' }],
    ],
    [
      'a service that does not run in the env is not probed',
      `  web: { image: w, port: 80, health: /h, route: { path: / }, count: { production: 1, staging: 1, pr: 0 } }\n` +
        `  api: { image: a, port: 3000, route: { path: /api } }\n`,
      [{ service: 'api', path: '/api', expect: 'answer' }],
    ],
  ])('%s', (_name, services, expected) => {
    expect(probeTargets(withServices(services), { kind: 'pr', number: 7 })).toEqual(expected);
  });

  it('probes the example apps where their health paths are routed', () => {
    expect(probeTargets(exampleConfig('aipacto'), { kind: 'production' })).toEqual([
      { service: 'web', path: '/', expect: 'health' },
    ]);
  });

  it.each<[ProbeTarget['expect'], number, boolean]>([
    ['health', 200, true],
    ['health', 204, true],
    ['health', 301, false],
    ['health', 308, false],
    ['health', 401, false],
    ['health', 404, false],
    ['health', 500, false],
    ['health', 0, false],
    ['answer', 200, true],
    ['answer', 302, true],
    ['answer', 401, true],
    ['answer', 404, false],
    ['answer', 502, false],
    ['answer', 503, false],
    ['answer', 0, false],
  ])('%s answered %i: accepted %s', (expect_, status, ok) => {
    expect(probeAccepts({ service: 's', path: '/', expect: expect_ }, status)).toBe(ok);
  });
});
