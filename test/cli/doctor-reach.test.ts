/**
 * `prenv doctor` checks every endpoint it will drive, per environment, against real Consul and
 * Caddy and the Nomad double, and Hetzner's server types through the Hetzner API double.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { useCaddy } from '../support/caddy-process.js';
import { useConsul } from '../support/consul-process.js';
import { startFakeNomad, type FakeNomad } from '../fakes/nomad-api/server.js';
import { serverTypeJson, startFakeHetzner, type FakeHetzner } from '../fakes/hetzner-api/server.js';
import { repoRoot } from '../support/tools.js';

interface Report {
  ok: boolean;
  checks: { name: string; status: string; detail: string }[];
}

const caddy = useCaddy();
const consul = useConsul();
let nomad: FakeNomad;
let closedPort: number;

beforeAll(async () => {
  nomad = await startFakeNomad();
  // A port nothing listens on: taken, then released.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closedPort = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
});

afterAll(async () => {
  await nomad.close();
});

function project(yml = readFileSync(path.join(repoRoot, 'examples/aipacto/prenv.yml'), 'utf8')) {
  const dir = mkdtempSync(path.join(tmpdir(), 'prenv-doctor-reach-'));
  writeFileSync(path.join(dir, 'prenv.yml'), yml);
  return dir;
}

async function doctor(env: Record<string, string>, cwd = project()): Promise<Report> {
  const run = await runCli(['doctor', '--json'], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
  });
  return JSON.parse(run.stdout) as Report;
}

const byName = (report: Report, name: string) => report.checks.find((c) => c.name === name);

describe('prenv doctor: endpoints per environment', () => {
  it('passes the endpoints that answer and names each that does not, with the way in', async () => {
    const down = `http://127.0.0.1:${closedPort}`;
    const report = await doctor({
      PRENV_NOMAD_ADDR: nomad.url,
      PRENV_CONSUL_ADDR: consul().httpUrl,
      PRENV_CADDY_ADMIN: caddy().adminUrl,
      PRENV_STAGING_NOMAD_ADDR: down,
      PRENV_STAGING_CONSUL_ADDR: `${down}/`,
      PRENV_STAGING_CADDY_ADMIN: down,
    });
    expect(
      report.checks
        .filter((c) => /^(production|staging)\//.test(c.name))
        .map((c) => [c.name, c.status]),
    ).toEqual([
      ['production/nomad', 'ok'],
      ['production/consul', 'ok'],
      ['production/caddy-admin', 'ok'],
      ['staging/nomad', 'error'],
      ['staging/consul', 'error'],
      ['staging/caddy-admin', 'error'],
    ]);
    expect(byName(report, 'production/consul')?.detail).toMatch(
      /answers, leader \S+:\d+ \(PRENV_CONSUL_ADDR\)/,
    );
    expect(byName(report, 'staging/nomad')?.detail).toBe(
      `cannot reach Nomad of staging at ${down} (PRENV_STAGING_NOMAD_ADDR): ECONNREFUSED. ` +
        'From a workstation or a workflow runner: run `prenv tunnel staging --ssh root@<server address>` and set PRENV_STAGING_NOMAD_ADDR=http://127.0.0.1:14646.',
    );
    expect(byName(report, 'staging/caddy-admin')?.detail).toContain(
      'PRENV_STAGING_CADDY_ADMIN=http://127.0.0.1:12019',
    );
    expect(report.ok).toBe(false);
  });

  it('says when staging points at production (the same address for both)', async () => {
    const report = await doctor({
      PRENV_NOMAD_ADDR: nomad.url,
      PRENV_CONSUL_ADDR: consul().httpUrl,
      PRENV_CADDY_ADMIN: caddy().adminUrl,
    });
    const same = report.checks.filter(
      (c) => c.name.startsWith('staging/') && c.detail.includes('same address as production'),
    );
    expect(same.map((c) => c.name)).toEqual([
      'staging/nomad',
      'staging/consul',
      'staging/caddy-admin',
    ]);
    expect(same[0]?.detail).toContain(
      'set PRENV_STAGING_NOMAD_ADDR=http://127.0.0.1:14646 and run `prenv tunnel staging`',
    );
    // One line per check: no "ok" for the same staging endpoint beside its FAIL.
    const names = report.checks.map((c) => c.name);
    expect(names.filter((n) => n.startsWith('staging/'))).toEqual([
      'staging/nomad',
      'staging/consul',
      'staging/caddy-admin',
    ]);
    const endpoints = names.filter((n) => n.includes('/'));
    expect(new Set(endpoints).size).toBe(endpoints.length);
    // The address came from production's variable: that is what the message names.
    expect(same[0]?.detail).toContain(
      `(${nomad.url}, PRENV_NOMAD_ADDR, as PRENV_STAGING_NOMAD_ADDR is unset)`,
    );
  });

  it('names the variable a staging address fell back to, and a default', async () => {
    const down = `http://127.0.0.1:${closedPort}`;
    const report = await doctor({ PRENV_CONSUL_ADDR: down, PRENV_STAGING_NOMAD_ADDR: down });
    expect(byName(report, 'staging/nomad')?.detail).toContain(
      `cannot reach Nomad of staging at ${down} (PRENV_STAGING_NOMAD_ADDR): ECONNREFUSED`,
    );
    expect(report.checks.find((c) => c.name === 'staging/consul')?.detail).toContain(
      `(${down}, PRENV_CONSUL_ADDR, as PRENV_STAGING_CONSUL_ADDR is unset)`,
    );
    expect(byName(report, 'production/consul')?.detail).toContain(
      `cannot reach Consul of production at ${down} (PRENV_CONSUL_ADDR): ECONNREFUSED`,
    );
  });

  it('says which token to set when Nomad refuses it', async () => {
    const guarded = await startFakeNomad({ token: 'right' });
    try {
      const report = await doctor({ PRENV_NOMAD_ADDR: guarded.url, PRENV_NOMAD_TOKEN: 'wrong' });
      expect(byName(report, 'production/nomad')).toMatchObject({
        status: 'error',
        detail: expect.stringContaining(
          'refused the request (403): set PRENV_NOMAD_TOKEN',
        ) as string,
      });
    } finally {
      await guarded.close();
    }
  });

  it('--offline checks nothing on the network', async () => {
    const run = await runCli(['doctor', '--json', '--offline'], {
      cwd: project(),
      env: { PATH: process.env.PATH, HCLOUD_TOKEN: 't' },
    });
    const report = JSON.parse(run.stdout) as Report;
    expect(report.checks.some((c) => c.name.includes('/') || c.name === 'hetzner-api')).toBe(false);
  });
});

describe("prenv doctor: Hetzner's server types", () => {
  let hetzner: FakeHetzner;
  beforeAll(async () => {
    hetzner = await startFakeHetzner({
      token: 'good-token',
      serverTypes: [
        serverTypeJson({
          name: 'cx22',
          cores: 2,
          memory: 4,
          monthly: 4.59,
          deprecation: {
            announced: '2025-10-16T00:00:00+00:00',
            unavailable_after: '2027-01-01T00:00:00+00:00',
          },
        }),
        serverTypeJson({ name: 'cx23', cores: 2, memory: 4, monthly: 2.99 }),
        serverTypeJson({
          name: 'cx32',
          cores: 4,
          memory: 8,
          monthly: 11.55,
          deprecation: {
            announced: '2025-10-16T00:00:00+00:00',
            unavailable_after: '2026-01-01T00:00:00+00:00',
          },
        }),
        serverTypeJson({ name: 'cx33', cores: 4, memory: 8, monthly: 4.99 }),
      ],
    });
  });
  afterAll(async () => {
    await hetzner.close();
  });

  const yml = (types: string) =>
    readFileSync(path.join(repoRoot, 'examples/aipacto/prenv.yml'), 'utf8').replace(
      /server_type: cx22/,
      types,
    );

  it('warns of a deprecated type with its successor and price, and fails one past unavailable_after', async () => {
    const report = await doctor(
      { HCLOUD_TOKEN: 'good-token', PRENV_HCLOUD_API_URL: hetzner.url },
      project(yml('server_type: cx22\n  preview_server_type: cx32')),
    );
    expect(byName(report, 'hetzner-api')?.status).toBe('ok');
    const types = report.checks.filter((c) => c.name === 'hetzner');
    expect(types.map((c) => [c.status, c.detail])).toEqual([
      [
        'warn',
        'Hetzner has deprecated cx22 (hetzner.server_type) in nbg1 (deprecated on 2025-10-16, no new servers after 2027-01-01). Its successor cx23 costs €2.99 a month in nbg1. Set hetzner.server_type: cx23 in prenv.yml.',
      ],
      [
        'error',
        'Hetzner no longer offers cx32 (hetzner.preview_server_type) in nbg1 (deprecated on 2025-10-16, unavailable since 2026-01-01); every create would be refused. Its successor cx33 costs €4.99 a month in nbg1. Set hetzner.preview_server_type: cx33 in prenv.yml.',
      ],
    ]);
    expect(hetzner.requests.filter((r) => r.path === '/v1/server_types')).toHaveLength(1);
  });

  it('says so when the token is refused, and falls back to its own table', async () => {
    const report = await doctor({ HCLOUD_TOKEN: 'bad', PRENV_HCLOUD_API_URL: hetzner.url });
    expect(byName(report, 'hetzner-api')).toMatchObject({
      status: 'error',
      detail: expect.stringContaining('refused the API token') as string,
    });
    expect(byName(report, 'hetzner')?.detail).toContain(
      "(prenv's table; Hetzner's API did not answer, see hetzner-api)",
    );
  });
});

describe('prenv doctor: capacity', () => {
  it("fails when an environment's reservations don't fit its server type", async () => {
    const leap = readFileSync(path.join(repoRoot, 'examples/leap/prenv.yml'), 'utf8').replace(
      'server_type: cx43',
      'server_type: cpx31',
    );
    const run = await runCli(['doctor', '--offline'], {
      cwd: project(leap),
      env: { PATH: process.env.PATH },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL {2}capacity +\S+ cannot be placed/);
    expect(run.stdout).toContain('set hetzner.server_type: cx43');
  });
});

describe('prenv render --check: capacity', () => {
  it('refuses an environment whose reservations its server type cannot hold, naming the fix', async () => {
    const leap = readFileSync(path.join(repoRoot, 'examples/leap/prenv.yml'), 'utf8').replace(
      'server_type: cx43',
      'server_type: cpx31',
    );
    const run = await runCli(['render', 'staging', '--check', '--sha', 'a'.repeat(40)], {
      cwd: project(leap),
      env: { PATH: process.env.PATH },
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/prenv\.yml:\d+:\d+: services: staging cannot be placed/);
    expect(run.stderr).toContain('set hetzner.server_type: cx43');
  });
});
