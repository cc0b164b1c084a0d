/**
 * `npm run local-stack` prints what a second terminal pastes: with staging in prenv.yml, its
 * own cluster's `PRENV_STAGING_*` too, and `prenv doctor` and `prenv deploy staging` work with
 * exactly what it printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/tools.js';
import { runCli } from './run-cli.js';

let child: ChildProcess;
let printed = '';

beforeAll(async () => {
  child = spawn(path.join(repoRoot, 'node_modules/.bin/tsx'), ['scripts/local-stack.ts'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      if (printed.includes('ready — press Ctrl-C')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`local-stack exited ${code}: ${printed}`)));
  });
}, 90_000);

afterAll(async () => {
  if (child.exitCode !== null) return;
  const stopped = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  await stopped;
  expect(printed).toContain('stopped');
}, 30_000);

/** The `export NAME='value'` lines, as a shell would read them. */
function exports(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of printed.matchAll(/^ {2}export (\w+)='([^']*)'$/gm)) env[m[1]!] = m[2]!;
  return env;
}

const configFile = () => /alias prenv='.* --config (\S+)'/.exec(printed)![1]!;

describe('npm run local-stack with staging in prenv.yml', () => {
  it("prints staging's own Nomad, Consul and Caddy next to production's", () => {
    const env = exports();
    for (const name of ['NOMAD_ADDR', 'CONSUL_ADDR', 'CADDY_ADMIN', 'CADDY_HTTP']) {
      expect(env[`PRENV_${name}`]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(env[`PRENV_STAGING_${name}`]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(env[`PRENV_STAGING_${name}`]).not.toBe(env[`PRENV_${name}`]);
    }
    expect(printed).toContain('  prenv deploy staging --sha 3f2c9a1\n');
    expect(printed).toContain(
      `  curl -H 'Host: staging.aipacto.com' ${env.PRENV_STAGING_CADDY_HTTP}/\n`,
    );
  });

  it('gives a doctor whose every endpoint is ok, once each', async () => {
    const run = await runCli(['--config', configFile(), 'doctor', '--json'], {
      env: { PATH: process.env.PATH, ...exports() },
    });
    const report = JSON.parse(run.stdout) as { checks: { name: string; status: string }[] };
    const endpoints = report.checks.filter((c) => c.name.includes('/'));
    expect(endpoints.map((c) => `${c.name} ${c.status}`)).toEqual([
      'production/nomad ok',
      'production/consul ok',
      'production/caddy-admin ok',
      'staging/nomad ok',
      'staging/consul ok',
      'staging/caddy-admin ok',
    ]);
  });

  it('deploys staging to its own cluster, answering through its own Caddy', async () => {
    const env = exports();
    const run = await runCli(['--config', configFile(), 'deploy', 'staging', '--sha', '3f2c9a1'], {
      env: { PATH: process.env.PATH, ...env },
    });
    expect(run.stdout).toBe('staging is live at https://staging.aipacto.com (3f2c9a1)\n');
    expect(run.code).toBe(0);
    // fetch sets Host from the URL; Caddy routes by the Host header.
    const through = (base: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${base}/`, { headers: { host: 'staging.aipacto.com' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await through(env.PRENV_STAGING_CADDY_HTTP!)).toBe(200);
    // Production's Caddy has no staging route: the two are separate clusters.
    expect(await through(env.PRENV_CADDY_HTTP!)).not.toBe(200);
  }, 60_000);
});
