import { z } from 'zod';
import { ConsulError } from './errors.js';
import type { ConsulHttp } from './http.js';
import { parseJson } from './http.js';

export interface ServiceInstance {
  id: string;
  service: string;
  node: string;
  /** The service's address, or its node's when the service has none. */
  address: string;
  port: number;
  tags: string[];
  /** The service's meta (`Meta` of the registration). */
  meta: Record<string, string>;
}

export interface ServiceRegistration {
  id: string;
  name: string;
  address: string;
  port: number;
  tags?: string[];
  meta?: Record<string, string>;
  /** An HTTP check Consul runs against the service. */
  check?: {
    http: string;
    /** Consul durations, e.g. "2s". */
    interval: string;
    timeout?: string;
    deregisterCriticalServiceAfter?: string;
  };
}

export type WaitHealthyResult =
  { healthy: true; instances: ServiceInstance[] } | { healthy: false; waitedMs: number };

export interface ConsulServices {
  /** Instances of `name` whose checks all pass. */
  healthy(name: string): Promise<ServiceInstance[]>;
  /** Waits (with blocking queries) until at least one instance passes its checks. */
  waitHealthy(name: string, options: { timeoutMs: number }): Promise<WaitHealthyResult>;
  register(service: ServiceRegistration): Promise<void>;
  deregister(id: string): Promise<void>;
}

const healthEntry = z.object({
  Node: z.object({ Node: z.string(), Address: z.string() }),
  Service: z.object({
    ID: z.string(),
    Service: z.string(),
    Address: z.string(),
    Port: z.number(),
    Tags: z.array(z.string()).nullable(),
    Meta: z.record(z.string(), z.string()).nullable().optional(),
  }),
});

const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

function checkName(name: string): string {
  if (!SERVICE_NAME.test(name)) throw new Error(`invalid Consul service name: ${name}`);
  return name;
}

export function createConsulServices(http: ConsulHttp): ConsulServices {
  const queryHealthy = async (
    name: string,
    blocking?: { index: number; waitMs: number },
  ): Promise<{ instances: ServiceInstance[]; index: number | undefined }> => {
    const path = `/v1/health/service/${checkName(name)}`;
    const res = await http({
      method: 'GET',
      path,
      query: {
        passing: true,
        index: blocking?.index,
        wait: blocking ? `${blocking.waitMs}ms` : undefined,
      },
      // Consul adds up to wait/16 of jitter to a blocking query.
      timeoutMs: blocking ? Math.ceil(blocking.waitMs * 1.1) + 5_000 : undefined,
    });
    const parsed = z.array(healthEntry).safeParse(parseJson(res, `GET ${path}`));
    if (!parsed.success) {
      throw new ConsulError({
        kind: 'bad_response',
        request: `GET ${path}`,
        message: `Consul answered GET ${path} with unexpected entries: ${parsed.error.message}`,
      });
    }
    const instances = parsed.data.map((e) => ({
      id: e.Service.ID,
      service: e.Service.Service,
      node: e.Node.Node,
      address: e.Service.Address || e.Node.Address,
      port: e.Service.Port,
      tags: e.Service.Tags ?? [],
      meta: e.Service.Meta ?? {},
    }));
    return { instances, index: res.index };
  };

  return {
    healthy: async (name) => (await queryHealthy(name)).instances,

    async waitHealthy(name, { timeoutMs }) {
      const started = Date.now();
      let { instances, index } = await queryHealthy(name);
      for (;;) {
        if (instances.length > 0) return { healthy: true, instances };
        const remaining = timeoutMs - (Date.now() - started);
        if (remaining <= 0 || index === undefined) {
          return { healthy: false, waitedMs: Date.now() - started };
        }
        const waitMs = Math.max(Math.ceil(Math.min(remaining, 30_000)), 1);
        ({ instances, index } = await queryHealthy(name, { index, waitMs }));
      }
    },

    async register(service) {
      checkName(service.name);
      const body: Record<string, unknown> = {
        ID: service.id,
        Name: service.name,
        Address: service.address,
        Port: service.port,
        Tags: service.tags ?? [],
        Meta: service.meta ?? {},
      };
      if (service.check) {
        body.Check = {
          HTTP: service.check.http,
          Interval: service.check.interval,
          Timeout: service.check.timeout,
          DeregisterCriticalServiceAfter: service.check.deregisterCriticalServiceAfter,
        };
      }
      await http({ method: 'PUT', path: '/v1/agent/service/register', body });
    },

    async deregister(id) {
      await http({
        method: 'PUT',
        path: `/v1/agent/service/deregister/${encodeURIComponent(id)}`,
      });
    },
  };
}
