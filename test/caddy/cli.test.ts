import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  caddyAdapt,
  caddyValidate,
  detectFormat,
  type CaddyCliOptions,
} from '../../bot/adapters/caddy/cli.js';
import { baseCaddyConfig, isolatedEnv } from '../support/caddy-process.js';
import { requireTool } from '../support/tools.js';

// The route the deploy step adds for a PR, in Caddyfile form (tabs, as `caddy fmt` wants).
const prCaddyfile = [
  'http://pr-7.pr.example.test {',
  '\treverse_proxy {',
  '\t\tdynamic srv pr-7-web.service.consul {',
  '\t\t\tresolvers 127.0.0.1:8600',
  '\t\t}',
  '\t\ttransport http {',
  '\t\t\tresolvers 127.0.0.1:8600',
  '\t\t}',
  '\t}',
  '}',
  '',
].join('\n');

const unknownDirective = 'http://pr-7.pr.example.test {\n\tproxy_pass 127.0.0.1:3000\n}\n';
const unclosedBlock = 'http://pr-7.pr.example.test {\n\trespond "hi"\n';

let dir: string;
let options: CaddyCliOptions;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'prenv-caddy-cli-test-'));
  options = { caddyPath: requireTool('caddy'), env: isolatedEnv(dir) };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('caddy adapt', () => {
  it('turns a valid Caddyfile into JSON with the SRV upstream and its resolvers', async () => {
    const result = await caddyAdapt(prCaddyfile, options);
    expect(result).toMatchObject({ ok: true, warnings: [] });
    const json = JSON.stringify(result.ok && result.config);
    expect(json).toContain(
      '"dynamic_upstreams":{"name":"pr-7-web.service.consul","resolver":{"addresses":["127.0.0.1:8600"]},"source":"srv"}',
    );
    expect(json).toContain(
      '"transport":{"protocol":"http","resolver":{"addresses":["127.0.0.1:8600"]}}',
    );
  });

  it('reports Caddy’s warnings, e.g. an unformatted Caddyfile', async () => {
    const result = await caddyAdapt('http://a.example.test {\n  respond "hi"\n}\n', options);
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([expect.stringMatching(/^line 2: .*not formatted/)]);
  });

  it('rejects an unknown directive with Caddy’s message and line', async () => {
    expect(await caddyAdapt(unknownDirective, options)).toEqual({
      ok: false,
      kind: 'invalid',
      message: 'Caddyfile:2: unrecognized directive: proxy_pass',
      warnings: [],
    });
  });

  it('rejects a syntax error with Caddy’s message', async () => {
    const result = await caddyAdapt(unclosedBlock, options);
    expect(result).toMatchObject({ ok: false, kind: 'invalid' });
    expect(!result.ok && result.message).toMatch(/^Caddyfile:2 - Syntax error: Unexpected/);
  });
});

describe('caddy validate', () => {
  it('accepts the base JSON config (object or text) and a valid Caddyfile', async () => {
    const config = baseCaddyConfig(2019, 8080);
    // Caddy warns about the base config's `automatic_https.disable` (see baseCaddyConfig).
    const expected = { ok: true, warnings: ['automatic HTTPS is completely disabled for server'] };
    expect(await caddyValidate(config, options)).toEqual(expected);
    expect(await caddyValidate(JSON.stringify(config), options)).toEqual(expected);
    expect(await caddyValidate(prCaddyfile, options)).toMatchObject({ ok: true });
  });

  it('rejects JSON that names a module Caddy does not have', async () => {
    const config = {
      apps: {
        http: {
          servers: {
            prenv: {
              listen: ['127.0.0.1:8080'],
              routes: [{ handle: [{ handler: 'no_such_handler' }] }],
            },
          },
        },
      },
    };
    const result = await caddyValidate(config, options);
    expect(result).toMatchObject({ ok: false, kind: 'invalid' });
    expect(!result.ok && result.message).toContain(
      "loading module 'no_such_handler': unknown module: http.handlers.no_such_handler",
    );
  });

  it('rejects broken JSON and a broken Caddyfile', async () => {
    const json = await caddyValidate('{"apps": {', { ...options, format: 'json' });
    expect(json).toMatchObject({
      ok: false,
      message: 'decoding config: unexpected end of JSON input',
    });
    const caddyfile = await caddyValidate(unknownDirective, options);
    expect(caddyfile).toMatchObject({
      ok: false,
      message: 'adapting config using caddyfile: Caddyfile:2: unrecognized directive: proxy_pass',
    });
  });

  it('says so when the binary cannot run', async () => {
    const result = await caddyValidate('{}', { ...options, caddyPath: path.join(dir, 'no-caddy') });
    expect(result).toMatchObject({ ok: false, kind: 'cannot_run' });
    expect(!result.ok && result.message).toContain('no-caddy');
  });
});

describe('detectFormat', () => {
  it.each([
    ['{"apps": {}}', 'json'],
    ['{\n\temail ops@example.test\n}\nexample.test {\n\trespond "hi"\n}\n', 'caddyfile'],
    ['example.test {\n\trespond "hi"\n}\n', 'caddyfile'],
    ['"a string"', 'caddyfile'],
  ] as const)('%j is %s', (text, format) => {
    expect(detectFormat(text)).toBe(format);
  });
});
