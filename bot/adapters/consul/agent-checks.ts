import type { ConsulHttp } from './http.js';

/**
 * Liveness of a process on the local agent: a service with a TTL check
 * (developer.hashicorp.com/consul/api-docs/agent/service, .../agent/check). A service check, not
 * a node check: a critical node check would fail every service of the node.
 */
export interface ConsulAgentChecks {
  /**
   * Registers service `name` (ID `id`) with a TTL check of the same ID, passing from the start
   * and critical once not passed for `ttl`; Consul removes the service a minute after that.
   */
  registerTtl(check: { id: string; name: string; ttl: string }): Promise<void>;
  pass(id: string): Promise<void>;
  deregister(id: string): Promise<void>;
}

export function createConsulAgentChecks(http: ConsulHttp): ConsulAgentChecks {
  return {
    async registerTtl(check) {
      const body = {
        ID: check.id,
        Name: check.name,
        Check: {
          CheckID: check.id,
          TTL: check.ttl,
          Status: 'passing',
          DeregisterCriticalServiceAfter: '1m',
        },
      };
      await http({ method: 'PUT', path: '/v1/agent/service/register', body });
    },
    async pass(id) {
      await http({ method: 'PUT', path: `/v1/agent/check/pass/${encodeURIComponent(id)}` });
    },
    async deregister(id) {
      await http({
        method: 'PUT',
        path: `/v1/agent/service/deregister/${encodeURIComponent(id)}`,
      });
    },
  };
}
