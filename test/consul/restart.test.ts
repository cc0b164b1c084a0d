import { describe, expect, it } from 'vitest';
import { createConsulClient } from '../../bot/adapters/consul/client.js';
import { requireSecrets } from '../../bot/runtime/secret-check.js';
import { useConsul } from '../support/consul-process.js';

const token = 'c0ffee00-5b1f-4c9e-8a51-prenv-restart-token';
const consulProcess = useConsul({ aclMasterToken: token });

/**
 * The test agent's restart stands for a Consul server's: the KV store (secrets, state) comes back
 * from its data dir. A dev agent keeps it in memory, so the harness carries it across; without
 * that, a restart in a chaos run read as "every secret deleted".
 */
describe('a restarted test Consul', () => {
  it('keeps every KV entry, value and key as they were, and the secrets still pass the check', async () => {
    const kv = createConsulClient({ baseUrl: consulProcess().httpUrl, fetch, token }).kv;
    const entries: [string, string][] = [
      ['aipacto/previews/DATABASE_URL', 'postgres://u:p@db/app?ssl=true'],
      ['aipacto/previews/JWT_SECRET', 'ünïcødé & spaces / slashes'],
      ['prenv/state/world', '{"version":3}'],
      ['prenv/empty', ''],
    ];
    for (const [key, value] of entries) await kv.put(key, value);

    await consulProcess().restart();

    for (const [key, value] of entries) expect((await kv.get(key))?.value, key).toBe(value);
    await expect(
      requireSecrets(kv, 'pr-1', [
        {
          path: 'aipacto-pr-1.nomad.hcl',
          kind: 'nomad-job',
          content:
            '{{ key "aipacto/previews/DATABASE_URL" }}{{ key "aipacto/previews/JWT_SECRET" }}',
        },
      ]),
    ).resolves.toBeUndefined();
  }, 60_000);
});
