/**
 * `prenv deploy` asks the cluster's Nomad, Consul and Caddy admin API whether they answer
 * before Terraform creates anything, and refuses naming each that does not.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/tools.js';
import { startTryItStack, type TryItStack } from '../../scripts/local-stack-env.js';
import { runCli } from './run-cli.js';

const SHA = '3f2c9a1';
let tryIt: TryItStack;
let closed: string;
/** Accepts connections and never answers. */
let silent: { server: Server; sockets: Set<Socket>; url: string };

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

beforeAll(async () => {
  tryIt = await startTryItStack({
    configFile: path.join(repoRoot, 'examples/aipacto/prenv.yml'),
  });
  // A port nothing listens on: taken, then released.
  const probe = createServer();
  closed = `http://127.0.0.1:${await listen(probe)}`;
  await new Promise((resolve) => probe.close(resolve));
  const sockets = new Set<Socket>();
  const server = createServer((s) => void sockets.add(s));
  silent = { server, sockets, url: `http://127.0.0.1:${await listen(server)}` };
}, 60_000);
afterAll(async () => {
  for (const s of silent?.sockets ?? []) s.destroy();
  silent?.server.close();
  await tryIt?.stop();
});

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(['--config', tryIt.configFile, ...args], {
    env: { PATH: process.env.PATH, USER: 'alice', ...tryIt.env, ...env },
  });

/** Terraform never ran: the fake writes its state folder at its first command. */
function nothingCreated(): void {
  const dir = tryIt.stack.stateDir;
  expect(existsSync(dir) ? readdirSync(dir, { recursive: true }) : []).toEqual([]);
}

describe('prenv deploy: endpoint preflight before Terraform', () => {
  it.each<[string, string[], Record<string, string>, string[]]>([
    [
      'a PR, with all three of production closed',
      ['deploy', 'pr', '7', '--sha', SHA],
      { PRENV_NOMAD_ADDR: 'CLOSED', PRENV_CONSUL_ADDR: 'CLOSED', PRENV_CADDY_ADMIN: 'CLOSED' },
      [
        'cannot reach Nomad of production at CLOSED (PRENV_NOMAD_ADDR): ECONNREFUSED',
        'cannot reach Consul of production at CLOSED (PRENV_CONSUL_ADDR): ECONNREFUSED',
        "cannot reach Caddy's admin API of production at CLOSED (PRENV_CADDY_ADMIN): ECONNREFUSED",
      ],
    ],
    [
      'production, with a typo in Consul only',
      ['deploy', 'production', '--sha', SHA, '--yes', '--allow-dirty'],
      { PRENV_CONSUL_ADDR: 'CLOSED' },
      ['cannot reach Consul of production at CLOSED (PRENV_CONSUL_ADDR): ECONNREFUSED'],
    ],
    [
      "staging, with its own Caddy admin closed (production's are not asked)",
      ['deploy', 'staging', '--sha', SHA],
      {
        PRENV_STAGING_NOMAD_ADDR: 'NOMAD',
        PRENV_STAGING_CONSUL_ADDR: 'CONSUL',
        PRENV_STAGING_CADDY_ADMIN: 'CLOSED',
        PRENV_NOMAD_ADDR: 'CLOSED',
      },
      [
        "cannot reach Caddy's admin API of staging at CLOSED (PRENV_STAGING_CADDY_ADMIN): ECONNREFUSED",
      ],
    ],
    [
      'a Nomad that accepts the connection and never answers',
      ['deploy', 'pr', '7', '--sha', SHA],
      { PRENV_NOMAD_ADDR: 'SILENT' },
      ['cannot reach Nomad of production at SILENT (PRENV_NOMAD_ADDR): no answer within 3 s'],
    ],
  ])(
    '%s: exit 3, each failure named, nothing created',
    async (_what, args, given, lines) => {
      const urls: Record<string, string> = {
        CLOSED: closed,
        SILENT: silent.url,
        NOMAD: tryIt.env.PRENV_NOMAD_ADDR!,
        CONSUL: tryIt.env.PRENV_CONSUL_ADDR!,
      };
      const env = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, urls[v] ?? v]));
      const run = await cli(args, env);
      expect(run.code).toBe(3);
      const failures = run.stderr.split('\n').filter((l) => l.startsWith('  - '));
      expect(failures).toHaveLength(lines.length);
      lines.forEach((line, i) =>
        expect(failures[i]).toContain(line.replace(/CLOSED|SILENT/, (k) => urls[k]!)),
      );
      expect(run.stderr).toContain('--skip-preflight deploys without this check');
      expect(run.stderr).not.toMatch(/^step /m);
      nothingCreated();
    },
    20_000,
  );

  it('answers a script with JSON', async () => {
    const run = await cli(['deploy', 'pr', '7', '--sha', SHA, '--json'], {
      PRENV_CADDY_ADMIN: closed,
    });
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: false,
      exitCode: 3,
      error: expect.stringContaining(`at ${closed} (PRENV_CADDY_ADMIN): ECONNREFUSED`) as string,
    });
    nothingCreated();
  });

  it('creates no state file when it refuses a first deploy', async () => {
    const state = path.join(path.dirname(tryIt.env.PRENV_STATE!), 'first.db');
    const run = await cli(['deploy', 'pr', '7', '--sha', SHA], {
      PRENV_STATE: state,
      PRENV_NOMAD_ADDR: closed,
    });
    expect(run.code).toBe(3);
    expect(existsSync(state)).toBe(false);
  });

  it('--skip-preflight goes straight to Terraform (which then creates the server)', async () => {
    const run = await cli(['deploy', 'pr', '7', '--sha', SHA, '--skip-preflight'], {
      PRENV_CADDY_ADMIN: closed,
    });
    expect(run.stderr).toMatch(/^step terraform apply pr-7$/m);
    expect(run.code).toBe(1);
    expect(await tryIt.stack.cloud.servers()).toEqual([7]);
    // Clean up with the right address.
    expect((await cli(['destroy', 'pr', '7'])).code).toBe(0);
    expect(await tryIt.stack.cloud.servers()).toEqual([]);
  }, 120_000);
});
