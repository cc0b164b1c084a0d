import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNomadClient, submitJob } from '../../bot/adapters/nomad/index.js';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import { sha, T0 } from '../core/fixtures.js';
import { startFakeNomad, type FakeNomad } from '../fakes/nomad-api/server.js';
import { runCli } from './run-cli.js';
import { AIPACTO_YML, busyWorld, expectGolden } from './views/view-fixtures.js';

const HOUR = 3_600_000;
const sim = busyWorld();
let nomad: FakeNomad;
let dir: string;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'prenv-cli-views-'));
  writeFileSync(path.join(dir, 'prenv.yml'), AIPACTO_YML);
  const store = openSqliteStore(path.join(dir, 'state.db'));
  expect(await store.saveWorld(sim.world, 0)).toBe(true);
  await store.close();
  // Production was deployed 26 h before the busy afternoon; staging never.
  nomad = await startFakeNomad({ now: () => T0 - 26 * HOUR });
  const client = createNomadClient({ baseUrl: nomad.url, fetch });
  // As rendered: the commit is the meta of the group that runs it.
  const job = {
    ID: 'aipacto-production',
    Name: 'aipacto-production',
    Type: 'service',
    TaskGroups: [
      { Name: 'db', Count: 1 },
      { Name: 'web', Count: 1, Meta: { prenv_sha: sha(900, 1) } },
    ],
  };
  await submitJob(client, job, { project: 'aipacto', env: 'production', sha: sha(900, 1) });
  await submitJob(
    client,
    {
      ...job,
      ID: 'other-production',
      Name: 'other-production',
      TaskGroups: [{ Name: 'web', Count: 1, Meta: { prenv_sha: sha(901, 1) } }],
    },
    { project: 'other', env: 'production', sha: sha(901, 1) },
  );
  env = { PRENV_STATE: 'state.db', PRENV_NOMAD_ADDR: nomad.url };
});

afterAll(async () => {
  await nomad?.close();
});

const cli = (args: string[], extra: Record<string, string> = {}) =>
  runCli(args, { cwd: dir, env: { ...env, ...extra }, now: () => new Date(sim.now) });

describe('prenv list, status and cost read the state store and Nomad', () => {
  it('lists production (from Nomad job meta), staging and the PR envs', async () => {
    const text = await cli(['list']);
    expect([text.code, text.stderr]).toEqual([0, '']);
    expectGolden('cli-list-busy.txt.golden', text.stdout);
    const json = await cli(['list', '--json']);
    expectGolden('cli-list-busy.json.golden', json.stdout);
    const rows = (JSON.parse(json.stdout) as { rows: { env: string; state: string }[] }).rows;
    expect(rows.slice(0, 2)).toMatchObject([
      { env: 'production', state: 'deployed', deployedSha: sha(900, 1) },
      { env: 'staging', state: 'not_deployed' },
    ]);
  });

  it('shows production and staging as unknown, and says why, when Nomad is unreachable', async () => {
    const run = await cli(['list'], { PRENV_NOMAD_ADDR: 'http://127.0.0.1:1' });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^prenv: warning: production and staging shown as unknown: /);
    expect(run.stdout).toMatch(/^production +unknown /m);
    expect(run.stdout).toMatch(/^staging +unknown /m);
  });

  it('asks a Nomad that does not answer once, with a short timeout, and names the source', async () => {
    const requests: string[] = [];
    const silent = createServer((req) => void requests.push(`${req.method} ${req.url}`));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const run = await cli(['list', '--json'], { PRENV_NOMAD_ADDR: url });
      expect(run.code).toBe(0);
      // One attempt, no retries: the first failure makes both environments unknown.
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatch(/^GET \/v1\/jobs\?/);
      expect(run.stderr).toContain(`Cannot reach Nomad at ${url} for GET /v1/jobs`);
      expect(run.stderr).toContain('no answer before the request timed out');
      expect(run.stderr).toContain('Check PRENV_NOMAD_ADDR');
      const rows = (JSON.parse(run.stdout) as { rows: { env: string; state: string }[] }).rows;
      expect(rows.slice(0, 2)).toMatchObject([
        { env: 'production', state: 'unknown' },
        { env: 'staging', state: 'unknown' },
      ]);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('shows one env in detail, named pr-12, 12 or pr 12', async () => {
    const text = await cli(['status', 'pr-12']);
    expect(text.code).toBe(0);
    expectGolden('cli-status-pr-12.txt.golden', text.stdout);
    expect((await cli(['status', '12'])).stdout).toBe(text.stdout);
    expect((await cli(['status', 'pr', '12'])).stdout).toBe(text.stdout);
    const json = await cli(['status', 'production', '--json']);
    expect(json.code).toBe(0);
    expectGolden('cli-status-production.json.golden', json.stdout);
  });

  it('reports cost now, this month and at the cap', async () => {
    const text = await cli(['cost']);
    expect(text.code).toBe(0);
    expectGolden('cli-cost-busy.txt.golden', text.stdout);
    const json = await cli(['cost', '--json']);
    expectGolden('cli-cost-busy.json.golden', json.stdout);
    expect(JSON.parse(json.stdout)).toMatchObject({ currency: 'EUR', cap: { max: 15 } });
  });

  it('answers usage errors for unknown environments', async () => {
    for (const args of [
      ['status', 'qa'],
      ['status', 'pr'],
      ['status', 'pr-0'],
      ['status', '7', '8'],
    ]) {
      const run = await cli(args);
      expect([args, run.code]).toEqual([args, 2]);
      expect(run.stderr).toMatch(/unknown environment|needs the pull request number/);
      expect(run.stdout).toBe('');
    }
  });

  it('says when a PR has no record', async () => {
    const run = await cli(['status', 'pr-99']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('pr-99 has no record');
  });

  it('refuses to read a state file that does not exist instead of showing nothing', async () => {
    for (const command of ['list', 'status 7']) {
      const run = await cli(command.split(' '), { PRENV_STATE: 'nowhere/state.db' });
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(`no prenv state at ${path.join(dir, 'nowhere/state.db')}`);
      expect(run.stderr).toContain('PRENV_STATE');
    }
  });

  it('estimates the cost without a state file at the default path, and says none was found', async () => {
    const text = await cli(['cost'], { PRENV_STATE: '' });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^no prenv state at .*\.prenv\/state\.db: .*No PR environment is counted/,
    );
    expect(text.stdout).toContain('Cap worst case:  15 × ');
    const json = await cli(['cost', '--json'], { PRENV_STATE: '' });
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { noState: string; envs: { env: string }[] };
    expect(report.noState).toContain('no prenv state at');
    expect(report.envs.map((e) => e.env)).toEqual(['production', 'staging']);
  });

  it('counts only deployed environments in the hourly total, and names the others', async () => {
    const run = await cli(['cost', '--json']);
    const report = JSON.parse(run.stdout) as { notDeployed: string[]; hourlyNow: number };
    expect(report.notDeployed).toEqual(['staging']);
    expect((await cli(['cost'])).stdout).toContain('(not deployed, so not counted: staging)');
    expect((await cli(['list'])).stdout).toContain(
      `Deployed servers: €${report.hourlyNow.toFixed(4)} per hour.`,
    );
  });
});
