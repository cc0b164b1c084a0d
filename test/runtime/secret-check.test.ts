/**
 * A secret named in prenv.yml but missing from Consul KV makes Nomad's template block wait
 * until the deploy times out; prenv checks every key the jobs read before anything changes,
 * against the real Consul dev agent, and names the missing ones.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createConsulClient, type ConsulClient } from '../../bot/adapters/consul/client.js';
import type { CaddyAdminClient } from '../../bot/adapters/caddy/admin-client.js';
import type { NomadApi } from '../../bot/adapters/nomad/index.js';
import { loadJobspecSchema } from '../../bot/adapters/nomad/jobspec-schema-file.js';
import type { TerraformRunner } from '../../bot/adapters/terraform/index.js';
import { loadTemplates } from '../../bot/adapters/templates/load-templates.js';
import { loadConfigOrThrow } from '../../bot/config/load.js';
import { clusterOps } from '../../bot/runtime/cluster-ops.js';
import { MissingSecretsError, requireSecrets } from '../../bot/runtime/secret-check.js';
import { requiredSecretKeys } from '../../generators/nomad/secret-keys.js';
import { renderEnvironment } from '../../generators/render-environment.js';
import { useConsul } from '../support/consul-process.js';
import { repoRoot } from '../support/tools.js';

const leapFile = path.join(repoRoot, 'examples/leap/prenv.yml');
const leap = loadConfigOrThrow(readFileSync(leapFile, 'utf8'), leapFile);
const consul = useConsul();
let client: ConsulClient;
let files: ReturnType<typeof renderEnvironment>;

beforeAll(async () => {
  client = createConsulClient({ baseUrl: consul().httpUrl, fetch });
  files = renderEnvironment(
    leap,
    { kind: 'production', sha: 'a'.repeat(40) },
    await loadTemplates(),
  );
});

describe('the secrets a deploy reads', () => {
  it('are every `key` of the rendered jobs: services, periodic jobs and backups', async () => {
    expect(requiredSecretKeys(files)).toEqual([
      'leap/production/BACKUP_S3_ACCESS_KEY_ID',
      'leap/production/BACKUP_S3_SECRET_ACCESS_KEY',
      'leap/production/FLOWER_BASIC_AUTH',
      'leap/production/OPENAI_API_KEY',
      'leap/production/POSTGRES_PASSWORD',
    ]);
    const pr = renderEnvironment(
      leap,
      { kind: 'pr', number: 7, sha: 'a'.repeat(40) },
      await loadTemplates(),
    );
    expect(requiredSecretKeys(pr).every((k) => k.startsWith('leap/previews/'))).toBe(true);
  });

  it('are checked against Consul KV, naming each missing key and no value', async () => {
    await client.kv.put('leap/production/POSTGRES_PASSWORD', 'value-that-must-not-show');
    await client.kv.put('leap/production/OPENAI_API_KEY', 'sk-also-secret');
    await client.kv.put('leap/production-other/FLOWER_BASIC_AUTH', 'a sibling folder is not it');
    const err = await requireSecrets(client.kv, 'production', files).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingSecretsError);
    expect((err as MissingSecretsError).keys).toEqual([
      'leap/production/BACKUP_S3_ACCESS_KEY_ID',
      'leap/production/BACKUP_S3_SECRET_ACCESS_KEY',
      'leap/production/FLOWER_BASIC_AUTH',
    ]);
    expect((err as Error).message).toBe(
      'production reads 3 secrets missing from Consul KV: leap/production/BACKUP_S3_ACCESS_KEY_ID, ' +
        'leap/production/BACKUP_S3_SECRET_ACCESS_KEY, leap/production/FLOWER_BASIC_AUTH. Nothing was ' +
        'submitted. Write each first, e.g. `consul kv put leap/production/BACKUP_S3_ACCESS_KEY_ID <value>` ' +
        '(or remove the name from `secrets` in prenv.yml).',
    );
    for (const key of [
      'BACKUP_S3_ACCESS_KEY_ID',
      'BACKUP_S3_SECRET_ACCESS_KEY',
      'FLOWER_BASIC_AUTH',
    ])
      await client.kv.put(`leap/production/${key}`, '');
    await expect(requireSecrets(client.kv, 'production', files)).resolves.toBeUndefined();
  });

  it('lists key names only (Consul ?keys), sorted', async () => {
    expect(await client.kv.keys('leap/production/')).toEqual(
      requiredSecretKeys(files).filter((k) => k.startsWith('leap/production/')),
    );
    expect(await client.kv.keys('nothing/here/')).toEqual([]);
  });

  it('stop a production deploy before Terraform runs', async () => {
    const calls: string[] = [];
    const terraform = new Proxy(
      {},
      { get: (_t, name) => async () => void calls.push(String(name)) },
    ) as TerraformRunner;
    const ops = clusterOps({
      config: leap,
      templates: await loadTemplates(),
      schema: loadJobspecSchema(),
      terraform,
      terraformDir: repoRoot,
      nomad: {} as NomadApi,
      caddy: {} as CaddyAdminClient,
      secrets: { keys: async () => [] },
    });
    const err = await ops
      .deploy('production', 'a'.repeat(40), { step: () => undefined, note: () => undefined })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingSecretsError);
    expect(calls).toEqual([]);
  });
});
