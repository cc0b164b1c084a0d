import { createConsulClient } from '../../bot/adapters/consul/client.js';
import { consulStore } from '../../bot/adapters/store/consul-store.js';
import { useConsul } from '../support/consul-process.js';
import { storeContract } from './store-contract.js';

const consul = useConsul();
let n = 0;

storeContract('Consul KV store', async () => {
  const client = createConsulClient({ baseUrl: consul().httpUrl, fetch });
  n += 1;
  return consulStore(client.kv, `prenv-test/${n}`);
});
