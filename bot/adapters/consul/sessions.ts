import { ConsulError, isConsulError } from './errors.js';
import type { ConsulHttp } from './http.js';
import { parseJson } from './http.js';

export interface SessionOptions {
  name: string;
  /** Consul duration, 10s to 86400s, e.g. "15s". Renew before it runs out. */
  ttl: string;
  /** What happens to held keys when the session ends; prenv's locks use "delete". */
  behavior?: 'delete' | 'release';
  /**
   * How long a lock stays unavailable after its session was invalidated
   * (Consul's default: "15s"), so a stalled holder can notice before another takes over.
   */
  lockDelay?: string;
  /** Health checks of the agent's node that end the session when critical (default serfHealth). */
  checks?: string[];
}

export interface ConsulSessions {
  /** Returns the new session's ID. */
  create(options: SessionOptions): Promise<string>;
  /** False when the session no longer exists (expired or destroyed). */
  renew(id: string): Promise<boolean>;
  destroy(id: string): Promise<void>;
}

const SESSION_ID = /^[0-9a-f-]{36}$/;

function checkId(id: string): string {
  if (!SESSION_ID.test(id)) throw new Error(`invalid Consul session id: ${JSON.stringify(id)}`);
  return id;
}

export function createConsulSessions(http: ConsulHttp): ConsulSessions {
  return {
    async create(options) {
      const body: Record<string, unknown> = {
        Name: options.name,
        TTL: options.ttl,
        Behavior: options.behavior ?? 'delete',
      };
      if (options.lockDelay !== undefined) body.LockDelay = options.lockDelay;
      if (options.checks !== undefined) body.Checks = options.checks;
      const req = { method: 'PUT' as const, path: '/v1/session/create', body };
      const answer = parseJson(await http(req), `PUT ${req.path}`);
      const id = (answer as { ID?: unknown } | null)?.ID;
      if (typeof id !== 'string' || !SESSION_ID.test(id)) {
        throw new ConsulError({
          kind: 'bad_response',
          request: `PUT ${req.path}`,
          message: 'Consul created a session but did not return its ID.',
        });
      }
      return id;
    },

    async renew(id) {
      try {
        const res = await http({ method: 'PUT', path: `/v1/session/renew/${checkId(id)}` });
        const sessions = parseJson(res, 'PUT /v1/session/renew');
        return Array.isArray(sessions) && sessions.length > 0;
      } catch (err) {
        if (isConsulError(err, 'not_found')) return false;
        throw err;
      }
    },

    async destroy(id) {
      await http({ method: 'PUT', path: `/v1/session/destroy/${checkId(id)}` });
    },
  };
}
