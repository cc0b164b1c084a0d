/**
 * Staging is a cluster of its own: `list` and `status` read what runs there from staging's
 * Nomad (PRENV_STAGING_NOMAD_ADDR), and one cluster that cannot be read leaves the other shown.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNomadClient, submitJob } from '../../bot/adapters/nomad/index.js';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import { sha } from '../core/fixtures.js';
import { startFakeNomad, type FakeNomad } from '../fakes/nomad-api/server.js';
import { runCli } from './run-cli.js';
import { AIPACTO_YML } from './views/view-fixtures.js';

let production: FakeNomad;
let staging: FakeNomad;
let dir: string;

async function deployed(nomad: FakeNomad, env: 'production' | 'staging', commit: string) {
  const client = createNomadClient({ baseUrl: nomad.url, fetch });
  const id = `aipacto-${env}`;
  await submitJob(
    client,
    {
      ID: id,
      Name: id,
      Type: 'service',
      TaskGroups: [{ Name: 'web', Count: 1, Meta: { prenv_sha: commit } }],
    },
    { project: 'aipacto', env, sha: commit },
  );
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'prenv-list-staging-'));
  writeFileSync(path.join(dir, 'prenv.yml'), AIPACTO_YML);
  await openSqliteStore(path.join(dir, 'state.db')).close();
  [production, staging] = await Promise.all([startFakeNomad(), startFakeNomad()]);
  await deployed(production, 'production', sha(1, 1));
  // A staging job in production's Nomad would be a mistake; it must not be what list shows.
  await deployed(production, 'staging', sha(2, 2));
  await deployed(staging, 'staging', sha(3, 3));
});

afterAll(async () => {
  await Promise.all([production?.close(), staging?.close()]);
});

type Rows = { rows: { env: string; state: string; deployedSha?: string | null }[] };

describe('prenv list with staging on its own cluster', () => {
  it("reads staging from staging's Nomad", async () => {
    const run = await runCli(['list', '--json'], {
      cwd: dir,
      env: {
        PRENV_STATE: 'state.db',
        PRENV_NOMAD_ADDR: production.url,
        PRENV_STAGING_NOMAD_ADDR: staging.url,
      },
    });
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect((JSON.parse(run.stdout) as Rows).rows.slice(0, 2)).toMatchObject([
      { env: 'production', deployedSha: sha(1, 1) },
      { env: 'staging', deployedSha: sha(3, 3) },
    ]);
  });

  it('shows production when only staging cannot be read, and says which is unknown', async () => {
    const run = await runCli(['list', '--json'], {
      cwd: dir,
      env: {
        PRENV_STATE: 'state.db',
        PRENV_NOMAD_ADDR: production.url,
        PRENV_STAGING_NOMAD_ADDR: 'http://127.0.0.1:1',
      },
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /^prenv: warning: staging shown as unknown: Cannot reach Nomad at http:\/\/127\.0\.0\.1:1/,
    );
    expect((JSON.parse(run.stdout) as Rows).rows.slice(0, 2)).toMatchObject([
      { env: 'production', deployedSha: sha(1, 1) },
      { env: 'staging', state: 'unknown' },
    ]);
  });
});
