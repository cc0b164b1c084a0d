import { createConsulAcl, type ConsulAcl } from './acl.js';
import type { Logger } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';
import { createConsulAgentChecks, type ConsulAgentChecks } from './agent-checks.js';
import { createConsulHttp } from './http.js';
import { createConsulKv, type ConsulKv } from './kv.js';
import { createConsulServices, type ConsulServices } from './services.js';
import { createConsulSessions, type ConsulSessions } from './sessions.js';

export type { KvEntry, ConsulKv } from './kv.js';
export type { ConsulSessions, SessionOptions } from './sessions.js';
export type {
  ConsulServices,
  ServiceInstance,
  ServiceRegistration,
  WaitHealthyResult,
} from './services.js';
export { ConsulError, isConsulError } from './errors.js';

export interface ConsulClientOptions {
  /** e.g. "http://127.0.0.1:8500" (CONSUL_HTTP_ADDR) */
  baseUrl: string;
  fetch: typeof fetch;
  /** ACL token (CONSUL_HTTP_TOKEN), sent as X-Consul-Token; never logged. */
  token?: string;
  logger?: Logger;
  requestTimeoutMs?: number;
}

export interface ConsulClient {
  kv: ConsulKv;
  acl: ConsulAcl;
  sessions: ConsulSessions;
  services: ConsulServices;
  checks: ConsulAgentChecks;
}

/** Consul's HTTP API: KV with check-and-set, sessions and locks, services and health. */
export function createConsulClient(options: ConsulClientOptions): ConsulClient {
  const http = createConsulHttp({
    baseUrl: options.baseUrl,
    fetch: options.fetch,
    token: options.token,
    logger: options.logger ?? silentLogger,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
  });
  return {
    kv: createConsulKv(http),
    acl: createConsulAcl(http),
    sessions: createConsulSessions(http),
    services: createConsulServices(http),
    checks: createConsulAgentChecks(http),
  };
}
