import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem, parseConfig } from '../../bot/config/load.js';
import { sharedHost } from '../../bot/config/routed-hosts.js';
import { runCli } from '../cli/run-cli.js';

const base = `project: shop
github: { owner: acme, repo: shop }
domain: shop.example.com
services:
  web:
    image: "acme/web:{{sha}}"
    port: 8080
    route: { path: / }
`;

const withKeys = (keys: string) => base.replace('services:', `${keys}services:`);

function problems(text: string): string[] {
  const result = parseConfig(text, 'prenv.yml');
  return result.ok ? [] : result.problems.map(formatProblem);
}

const TAIL =
  "; Caddy would serve both on one host and one would take the other's traffic: give each a host of its own";

describe('routed hosts never collide', () => {
  it.each([
    ['shop.example.com', 'shop.example.com', 'shop.example.com'],
    ['Shop.Example.com', 'shop.example.com.', 'shop.example.com'],
    ['shop.example.com.', 'SHOP.EXAMPLE.COM', 'shop.example.com'],
    ['pr-{{number}}.pr.shop.example.com', 'pr-7.pr.shop.example.com', 'pr-7.pr.shop.example.com'],
    ['PR-7.pr.shop.example.com.', 'pr-{{number}}.pr.shop.example.com', 'pr-7.pr.shop.example.com'],
    ['{{number}}.shop.example.com', '42.shop.example.com', '42.shop.example.com'],
    ['pr-{{number}}.shop.example.com', 'pr-{{number}}.shop.example.com', 'pr-7.shop.example.com'],
  ])('%s and %s share %s', (a, b, shared) => {
    expect(sharedHost(a, b)).toBe(shared);
  });

  it.each([
    ['shop.example.com', 'staging.shop.example.com'],
    // PR numbers start at 1 and carry no leading zero (bot/core/pr-number.ts).
    ['pr-{{number}}.pr.shop.example.com', 'pr-0.pr.shop.example.com'],
    ['pr-{{number}}.pr.shop.example.com', 'pr-07.pr.shop.example.com'],
    ['pr-{{number}}.pr.shop.example.com', 'pr-x.pr.shop.example.com'],
    ['pr-{{number}}.pr.shop.example.com', 'pr-7.prxshop.example.com'],
    ['{{number}}.shop.example.com', 'staging.shop.example.com'],
  ])('%s and %s do not collide', (a, b) => {
    expect(sharedHost(a, b)).toBeNull();
  });

  it.each([
    [
      'staging on production host',
      'environments:\n  production: { servers: 3, host: shop.example.com }\n  staging: { servers: 1, host: shop.example.com }\n',
      `prenv.yml:6:32: environments.staging.host: "shop.example.com" is also environments.production.host${TAIL} (environments.production.host is at line 5)`,
    ],
    [
      "staging on production's default host (the domain)",
      'environments:\n  staging:\n    servers: 1\n    host: shop.example.com\n',
      `prenv.yml:7:11: environments.staging.host: "shop.example.com" is also environments.production.host (default shop.example.com)${TAIL} (domain is at line 3)`,
    ],
    [
      "production on staging's default host",
      'environments:\n  production: { servers: 3, host: staging.shop.example.com }\n',
      `prenv.yml:5:35: environments.production.host: "staging.shop.example.com" is also environments.staging.host (default staging.shop.example.com)${TAIL} (domain is at line 3)`,
    ],
    [
      "staging on a pull request's default host",
      'environments:\n  staging: { servers: 1, host: pr-12.pr.shop.example.com }\n',
      `prenv.yml:5:32: environments.staging.host: "pr-12.pr.shop.example.com" is also a pull request's host by previews.host (default pr-{{number}}.pr.shop.example.com)${TAIL} (domain is at line 3)`,
    ],
    [
      "a preview pattern that covers production's host",
      'previews: { host: "{{number}}.shop.example.com" }\nenvironments:\n  production: { servers: 3, host: 3.shop.example.com }\n',
      `prenv.yml:4:19: previews.host: the pull requests' hosts include "3.shop.example.com", which is already environments.production.host${TAIL} (environments.production.host is at line 6)`,
    ],
  ])('%s is refused, naming both keys and the other line', (_, keys, message) => {
    expect(problems(withKeys(keys))).toEqual([message]);
  });

  it('accepts hosts of their own', () => {
    const keys =
      'previews: { host: "pr-{{number}}.shop.example.com" }\nenvironments:\n  production: { servers: 3, host: www.shop.example.com }\n  staging: { servers: 1, host: pr-0.shop.example.com }\n';
    expect(problems(withKeys(keys))).toEqual([]);
  });

  it('refuses a shared host in render --check (exit 3) and doctor --offline (FAIL), and a webhook host on another host', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prenv-hosts-'));
    const file = path.join(dir, 'prenv.yml');
    writeFileSync(
      file,
      withKeys(
        'environments:\n  production: { servers: 3, host: shop.example.com }\n  staging: { servers: 1, host: shop.example.com }\n',
      ),
    );
    for (const [args, code] of [
      [['render', 'staging', '--check'], 3],
      [['doctor', '--offline'], 1],
    ] as const) {
      const run = await runCli(['--config', file, ...args], { cwd: dir });
      expect(run.code).toBe(code);
      expect(run.stdout + run.stderr).toContain(
        'environments.staging.host: "shop.example.com" is also environments.production.host',
      );
    }
    writeFileSync(file, base);
    const bot = await runCli(
      [
        '--config',
        file,
        'render',
        'bot',
        '--image',
        'ghcr.io/acme/prenv:0.1.0',
        '--host',
        'staging.shop.example.com',
        '--check',
      ],
      { cwd: dir },
    );
    expect(bot).toMatchObject({
      code: 2,
      stderr: `prenv: --host: "staging.shop.example.com" is also environments.staging.host${TAIL}\n`,
    });
    const serve = await runCli(['--config', file, 'serve', '--port', '0'], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        PRENV_WEBHOOK_SECRET: 'a-long-enough-secret',
        PRENV_GITHUB_TOKEN: 'ghp_test',
        PRENV_WEBHOOK_HOST: 'pr-3.pr.shop.example.com',
        PRENV_STATE: path.join(dir, 'state.db'),
      },
    });
    expect(serve.code).toBe(3);
    expect(serve.stderr).toContain(
      `PRENV_WEBHOOK_HOST: "pr-3.pr.shop.example.com" is also a pull request's host`,
    );
  });
});
