import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsulClient, type ConsulClient } from '../../bot/adapters/consul/client.js';
import { useConsul } from '../support/consul-process.js';
import { startLocalHttpServer, type LocalHttpServer } from '../support/local-http-server.js';

const consulProcess = useConsul();

let consul: ConsulClient;
let web: LocalHttpServer;

beforeAll(async () => {
  consul = createConsulClient({ baseUrl: consulProcess().httpUrl, fetch });
  web = await startLocalHttpServer('web of pr-7');
});

afterAll(async () => {
  await web?.close();
});

const register = (id: string, name: string, server: LocalHttpServer) =>
  consul.services.register({
    id,
    name,
    address: '127.0.0.1',
    port: server.port,
    tags: ['prenv'],
    meta: { pr: '7' },
    check: { http: `${server.url}/health`, interval: '1s', timeout: '1s' },
  });

describe('Consul services', () => {
  it('a registered service with a passing HTTP check becomes healthy', async () => {
    await register('pr-7-web-1', 'pr-7-web', web);
    const result = await consul.services.waitHealthy('pr-7-web', { timeoutMs: 15_000 });
    expect(result).toEqual({
      healthy: true,
      instances: [
        {
          id: 'pr-7-web-1',
          service: 'pr-7-web',
          node: 'prenv-test',
          address: '127.0.0.1',
          port: web.port,
          tags: ['prenv'],
          meta: { pr: '7' },
        },
      ],
    });
    expect(await consul.services.healthy('pr-7-web')).toHaveLength(1);

    await consul.services.deregister('pr-7-web-1');
    expect(await consul.services.healthy('pr-7-web')).toEqual([]);
  });

  it('a service whose check fails is not healthy, and waitHealthy gives up at its timeout', async () => {
    const failing = await startLocalHttpServer('failing web');
    failing.setHealthStatus(503);
    try {
      await register('pr-8-web-1', 'pr-8-web', failing);
      const result = await consul.services.waitHealthy('pr-8-web', { timeoutMs: 2_500 });
      expect(result).toMatchObject({ healthy: false });
      expect(await consul.services.healthy('pr-8-web')).toEqual([]);

      // Once the app recovers, the same wait succeeds.
      failing.setHealthStatus(200);
      const recovered = await consul.services.waitHealthy('pr-8-web', { timeoutMs: 15_000 });
      expect(recovered).toMatchObject({ healthy: true, instances: [{ port: failing.port }] });
    } finally {
      await consul.services.deregister('pr-8-web-1');
      await failing.close();
    }
  });

  it('an unknown service has no healthy instances', async () => {
    expect(await consul.services.healthy('pr-999-web')).toEqual([]);
  });
});
