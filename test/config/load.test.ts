import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem, parseConfig } from '../../bot/config/load.js';
import { repoRoot } from '../support/tools.js';
import { MINIMAL_CONFIG } from './minimal-config.js';

const minimal = MINIMAL_CONFIG;

function problems(text: string): string[] {
  const result = parseConfig(text, 'prenv.yml');
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.problems.map(formatProblem);
}

describe('parseConfig', () => {
  it('accepts a minimal config and fills in defaults', () => {
    const result = parseConfig(minimal, 'prenv.yml');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { config } = result;
    expect(config.hetzner).toEqual({ location: 'nbg1', server_type: 'cx22' });
    expect(config.previews).toEqual({
      host: 'pr-{{number}}.pr.shop.example.com',
      max: 15,
      forks: 'maintainer-deploy-only',
      ttl: '72h',
      protect: 'github',
    });
    expect(config.environments.production).toEqual({ servers: 3, host: 'shop.example.com' });
    expect(config.environments.staging).toEqual({ servers: 1, host: 'staging.shop.example.com' });
    expect(config.services.web?.count).toEqual({ production: 1, staging: 1, pr: 1 });
    expect(config.services.web?.resources).toEqual({ cpu: 100, memory: 256 });
  });

  it('accepts the aipacto example', () => {
    const file = path.join(repoRoot, 'examples/aipacto/prenv.yml');
    const result = parseConfig(readFileSync(file, 'utf8'), file);
    expect(result.ok).toBe(true);
  });

  it('names file, line, column and key path for an unknown key, with a suggestion', () => {
    const text = minimal.replace('    port: 8080\n', '    port: 8080\n    helth: /health\n');
    expect(problems(text)).toEqual([
      'prenv.yml:8:5: services.web.helth: unknown key "helth" (did you mean "health"?)',
    ]);
  });

  it.each([
    [
      '    route: { pth: /x }\n',
      'prenv.yml:8:12: services.web.route.0.pth: unknown key "pth" (did you mean "path"?)',
    ],
    [
      '    route: [{ path: /a }, { pth: /x }]\n',
      'prenv.yml:8:29: services.web.route.1.pth: unknown key "pth" (did you mean "path"?)',
    ],
    [
      '    prestart: { mig: { image: a, comand: x } }\n',
      'prenv.yml:8:34: services.web.prestart.mig.comand: unknown key "comand" (did you mean "command"?)',
    ],
  ])('suggests keys inside one route, a list of routes and prestart tasks: %j', (line, problem) => {
    const text = minimal.replace('    route: { path: / }\n', line);
    expect(problems(text)).toContain(problem);
  });

  it('names file, line, column and key path for a wrong type', () => {
    const text = minimal.replace('port: 8080', 'port: "eighty"');
    expect(problems(text)).toEqual([
      'prenv.yml:7:11: services.web.port: expected number, got string "eighty"',
    ]);
  });

  it('names file, line, column and key path for a missing required field', () => {
    const text = minimal.replace('    image: "acme/web:{{sha}}"\n', '');
    expect(problems(text)).toEqual([
      'prenv.yml:6:5: services.web.image: missing required key (expected string)',
    ]);
  });

  it('reports every problem at once, in file order', () => {
    const text = `project: Shop
github: { owner: acme, repo: shop, branch: main }
domain: shop.example.com
hetzner: { location: mars }
services:
  web:
    image: web
    count: { pr: -1 }
`;
    expect(problems(text)).toEqual([
      'prenv.yml:1:10: project: must be lowercase letters, digits and "-", starting with a letter, at most 30 characters',
      'prenv.yml:2:36: github.branch: unknown key "branch" (allowed: owner, repo)',
      'prenv.yml:4:22: hetzner.location: must be one of "fsn1", "nbg1", "hel1", "ash", "hil", "sin"',
      'prenv.yml:8:18: services.web.count.pr: must be at least 0',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const [first] = problems('project: [unclosed\n');
    expect(first).toMatch(/^prenv\.yml:\d+:\d+: /);
  });

  it.each([
    ['hello\n', 'string "hello"'],
    ['42\n', 'number 42'],
    ['true\n', 'boolean true'],
    ['- a\n', 'a list'],
  ])('names what a file that is not a mapping holds: %j', (text, got) => {
    expect(problems(text)).toEqual([`prenv.yml:1:1: expected a mapping, got ${got}`]);
  });

  it.each(['server_type', 'preview_server_type'])('names the form of hetzner.%s', (key) => {
    expect(problems(minimal + `hetzner:\n  ${key}: CX22\n`)).toEqual([
      `prenv.yml:10:${key.length + 5}: hetzner.${key}: must be a Hetzner server type such as cx22`,
    ]);
  });

  it('rejects duplicate keys', () => {
    expect(problems(minimal + 'project: again\n')).toEqual([
      'prenv.yml:9:1: project: duplicate key "project" (first at line 1); keep one of them',
    ]);
  });

  it('checks fields that depend on each other', () => {
    const text = `${minimal}  worker:
    image: "acme/worker:{{sha}}"
    route: { path: /jobs }
    depends_on: [db]
`;
    expect(problems(text)).toEqual([
      'prenv.yml:11:12: services.worker.route: a routed service needs a "port"',
      'prenv.yml:12:18: services.worker.depends_on.0: unknown service "db"',
    ]);
  });

  it('keeps a preview host inside the domain', () => {
    const text = minimal.replace(
      'services:',
      'previews: { host: "pr-{{number}}.evil.test" }\nservices:',
    );
    expect(problems(text)).toEqual([
      'prenv.yml:4:19: previews.host: must be a host under the domain "shop.example.com"',
    ]);
  });
});

describe('tls.mode load_balancer', () => {
  const yaml = (host: string) =>
    `project: shop\ngithub: { owner: a, repo: b }\ndomain: shop.test\ntls: { mode: load_balancer }\n` +
    `previews: { host: '${host}' }\nservices:\n  web: { image: w, port: 80, route: { path: / } }\n`;

  it('takes a preview host whose first label holds the number', () => {
    expect(parseConfig(yaml('pr-{{number}}.pr.shop.test'), 'prenv.yml').ok).toBe(true);
  });

  it('refuses one a wildcard certificate cannot cover, at the key', () => {
    const result = parseConfig(yaml('app.pr-{{number}}.shop.test'), 'prenv.yml');
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toContain('{{number}} must be in the first label');
  });
});

describe('tls.ask outside on-demand TLS', () => {
  const withTls = (tls: string) => minimal.replace('services:', `tls:\n${tls}\nservices:`);

  it.each([
    ['load_balancer', 'TLS ends at the load balancer'],
    ['off', 'Caddy serves plain HTTP'],
    ['internal', 'internal CA'],
    ['auto', 'asks no one'],
  ])('refuses an ask URL with mode %s, at the ask key', (mode, why) => {
    const text = withTls(`  mode: ${mode}\n  ask: http://127.0.0.1:8080/tls/ask`);
    const [problem, ...rest] = problems(text);
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^prenv\.yml:6:\d+: tls\.ask: is only read with tls\.mode: on_demand/);
    expect(problem).toContain(why);
    expect(problem).toContain('remove ask, or set mode: on_demand');
  });

  it('takes an ask URL with on_demand, and every mode without one', () => {
    const asking = withTls('  mode: on_demand\n  ask: http://127.0.0.1:8080/tls/ask');
    expect(parseConfig(asking, 'prenv.yml').ok).toBe(true);
    for (const mode of ['auto', 'on_demand', 'internal', 'off', 'load_balancer'])
      expect(parseConfig(withTls(`  mode: ${mode}`), 'prenv.yml').ok).toBe(true);
  });
});
