import { describe, expect, it } from 'vitest';
import { STATE_SCHEMA_VERSION } from '../../bot/adapters/store/state-store.js';
import { StateStoreError } from '../../bot/adapters/store/store-error.js';
import { createConsulClient } from '../../bot/adapters/consul/client.js';
import { openConsulStore } from '../../bot/adapters/store/consul-store.js';
import { useConsul } from '../support/consul-process.js';
import { storeContract } from './store-contract.js';

const consul = useConsul();
let n = 0;

storeContract('Consul KV store', async () => {
  const client = createConsulClient({ baseUrl: consul().httpUrl, fetch });
  n += 1;
  return openConsulStore(client.kv, `prenv-test/${n}`);
});

describe('Consul KV store schema version', () => {
  const kv = () => createConsulClient({ baseUrl: consul().httpUrl, fetch }).kv;

  it('stamps a new store, migrates an unversioned one and refuses a newer one', async () => {
    await openConsulStore(kv(), 'schema/new');
    expect(JSON.parse((await kv().get('schema/new/schema'))!.value)).toEqual({
      version: STATE_SCHEMA_VERSION,
    });

    await kv().put(
      'schema/old/world',
      JSON.stringify({ envs: {}, seq: 5, capacityBlockedUntil: null }),
    );
    const old = await openConsulStore(kv(), 'schema/old');
    expect((await old.loadWorld()).world.seq).toBe(5);
    expect(JSON.parse((await kv().get('schema/old/schema'))!.value)).toEqual({
      version: STATE_SCHEMA_VERSION,
    });

    await kv().put('schema/newer/schema', JSON.stringify({ version: STATE_SCHEMA_VERSION + 1 }));
    const refused = openConsulStore(kv(), 'schema/newer');
    await expect(refused).rejects.toBeInstanceOf(StateStoreError);
    await expect(refused).rejects.toThrow(
      /Consul KV schema\/newer: written by a newer prenv \(state schema 2, this prenv reads up to 1\)/,
    );
  });

  it('lets replicas opening an empty store together agree on the version', async () => {
    await Promise.all([1, 2, 3].map(() => openConsulStore(kv(), 'schema/race')));
    expect(JSON.parse((await kv().get('schema/race/schema'))!.value)).toEqual({ version: 1 });
  });
});
