import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import { FAKE_TERRAFORM } from '../support/local-stack.js';
import { startFakeHetzner, type FakeHetzner } from '../fakes/hetzner-api/server.js';
import { startFakeNomad, type FakeNomad } from '../fakes/nomad-api/server.js';
import { runCli } from './run-cli.js';
import { AIPACTO_YML, busyWorld, expectGolden } from './views/view-fixtures.js';

const TOKEN = 'hcloud-cli-reconcile-token';
const sim = busyWorld();
let nomad: FakeNomad;
let hetzner: FakeHetzner;
let github: Server;
let dir: string;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'prenv-cli-reconcile-'));
  writeFileSync(path.join(dir, 'prenv.yml'), AIPACTO_YML);
  mkdirSync(path.join(dir, 'tf'));
  const store = openSqliteStore(path.join(dir, 'state.db'));
  await store.saveWorld(sim.world, 0);
  await store.close();
  nomad = await startFakeNomad();
  hetzner = await startFakeHetzner({ token: TOKEN });
  hetzner.addStray({
    id: 4242,
    name: 'pr-99-aipacto-client-1',
    labels: { project: 'aipacto', environment: 'pr', pr: '99' },
  });
  // GitHub with no open pull request: every env of the busy world lost its "closed" webhook.
  github = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('[]');
  });
  await new Promise<void>((resolve) => github.listen(0, '127.0.0.1', resolve));
  env = {
    PATH: process.env.PATH,
    PRENV_STATE: 'state.db',
    PRENV_NOMAD_ADDR: nomad.url,
    // No Caddy here: the routes are reported as not checked.
    PRENV_CADDY_ADMIN: 'http://127.0.0.1:1',
    PRENV_TERRAFORM_BIN: FAKE_TERRAFORM,
    PRENV_TERRAFORM_DIR: 'tf',
    PRENV_FAKE_TF_STATE_DIR: path.join(dir, 'tfstate'),
    PRENV_HCLOUD_TOKEN: TOKEN,
    PRENV_HCLOUD_API_URL: hetzner.url,
    PRENV_GITHUB_TOKEN: 'ghp_cli_reconcile',
    PRENV_GITHUB_API_URL: `http://127.0.0.1:${(github.address() as AddressInfo).port}`,
  };
});

afterAll(async () => {
  await Promise.allSettled([nomad?.close(), hetzner?.close()]);
  github?.close();
});

const cli = (args: string[], extra: Record<string, string | undefined> = {}) =>
  runCli(args, { cwd: dir, env: { ...env, ...extra }, now: () => new Date(sim.now) });

describe('prenv reconcile', () => {
  it('--dry-run lists lost closes and the stray server, and changes nothing', async () => {
    const run = await cli(['reconcile', '--dry-run']);
    expect(run.code).toBe(0);
    expectGolden('cli-reconcile-dry-run.txt.golden', run.stdout);
    expect(run.stderr).toContain('listing Hetzner servers labelled project==aipacto\n');
    const json = await cli(['reconcile', '--dry-run', '--json']);
    expectGolden('cli-reconcile-dry-run.json.golden', json.stdout);
    expect(hetzner.deleted).toEqual([]);
    const store = openSqliteStore(path.join(dir, 'state.db'));
    expect((await store.loadWorld()).world).toEqual(sim.world);
    await store.close();
    expect(run.stdout + run.stderr + json.stdout).not.toContain(TOKEN);
  });

  it('asks for GitHub credentials before changing anything (a setting to give: exit 3)', async () => {
    const run = await cli(['reconcile'], { PRENV_GITHUB_TOKEN: undefined });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('reconcile needs GitHub: set PRENV_GITHUB_TOKEN');
    expect(hetzner.deleted).toEqual([]);
  });

  it('refuses a state file that does not exist (every server would look orphaned)', async () => {
    const run = await cli(['reconcile'], { PRENV_STATE: 'missing.db' });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('no prenv state at');
  });
});
