import { isConsulError } from './errors.js';
import type { ConsulHttp } from './http.js';
import { parseJson } from './http.js';

/** A Consul ACL policy as `GET /v1/acl/policies` lists it. */
export interface AclPolicyStub {
  id: string;
  name: string;
}

/** A Consul ACL token as `GET /v1/acl/tokens` lists it: its accessor and its policies' names. */
export interface AclTokenStub {
  accessorId: string;
  policies: string[];
}

/**
 * Consul's ACL policies and tokens (developer.hashicorp.com/consul/api-docs/acl/policies and
 * …/acl/tokens, as in Consul 1.8): listed and deleted by ID, which needs a token with
 * `acl = "write"` (terraform/acl/consul/bot.hcl). Deletes answer "already gone" as success.
 */
export interface ConsulAcl {
  /** Empty when the Consul runs without ACLs (it answers 401 "ACL support disabled"). */
  listPolicies(): Promise<AclPolicyStub[]>;
  listTokens(): Promise<AclTokenStub[]>;
  deletePolicy(id: string): Promise<void>;
  deleteToken(accessorId: string): Promise<void>;
}

const ACL_ID = /^[0-9a-f-]{36}$/;

function checkId(id: string): string {
  if (!ACL_ID.test(id)) throw new Error(`invalid Consul ACL id: ${JSON.stringify(id)}`);
  return id;
}

export function createConsulAcl(http: ConsulHttp): ConsulAcl {
  const list = async (path: string): Promise<unknown[]> => {
    let res;
    try {
      res = await http({ method: 'GET', path });
    } catch (err) {
      // A Consul without ACLs (a dev agent) holds no policy or token to list.
      if (isConsulError(err, 'forbidden') && /ACL support disabled/i.test(err.consulText ?? ''))
        return [];
      throw err;
    }
    const value = parseJson(res, `GET ${path}`);
    return Array.isArray(value) ? value : [];
  };
  return {
    async listPolicies() {
      return (await list('/v1/acl/policies')).flatMap((p) => {
        const { ID, Name } = (p ?? {}) as { ID?: unknown; Name?: unknown };
        return typeof ID === 'string' && typeof Name === 'string' ? [{ id: ID, name: Name }] : [];
      });
    },
    async listTokens() {
      return (await list('/v1/acl/tokens')).flatMap((t) => {
        const { AccessorID, Policies } = (t ?? {}) as { AccessorID?: unknown; Policies?: unknown };
        if (typeof AccessorID !== 'string') return [];
        const policies = Array.isArray(Policies)
          ? Policies.flatMap((p) => {
              const name = (p as { Name?: unknown } | null)?.Name;
              return typeof name === 'string' ? [name] : [];
            })
          : [];
        return [{ accessorId: AccessorID, policies }];
      });
    },
    async deletePolicy(id) {
      await http({ method: 'DELETE', path: `/v1/acl/policy/${checkId(id)}`, allowNotFound: true });
    },
    async deleteToken(accessorId) {
      await http({
        method: 'DELETE',
        path: `/v1/acl/token/${checkId(accessorId)}`,
        allowNotFound: true,
      });
    },
  };
}
