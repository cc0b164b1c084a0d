import { z } from 'zod';
import { ConsulError } from './errors.js';
import type { ConsulHttp, ConsulResponse } from './http.js';
import { keyPath, parseBool, parseJson } from './http.js';

export interface KvEntry {
  key: string;
  /** The value decoded as UTF-8 ("" for an empty value). */
  value: string;
  /** Pass to `cas` to write only if nobody wrote since this read. */
  modifyIndex: number;
  createIndex: number;
  lockIndex: number;
  flags: number;
  /** The session holding the lock on this key, if any. */
  session: string | undefined;
}

export interface ConsulKv {
  get(key: string): Promise<KvEntry | undefined>;
  /** Every entry under `prefix`, sorted by key. */
  list(prefix: string): Promise<KvEntry[]>;
  /** The names of the keys under `prefix`, sorted, without their values (`?keys`). */
  keys(prefix: string): Promise<string[]>;
  put(key: string, value: string): Promise<void>;
  /**
   * Writes only if the key's ModifyIndex still is `modifyIndex` (0: only if the
   * key does not exist). False when another writer got there first.
   */
  cas(key: string, value: string, modifyIndex: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Deletes only if the key's ModifyIndex still is `modifyIndex`. */
  deleteCas(key: string, modifyIndex: number): Promise<boolean>;
  /** Takes the lock on `key` for `session`; false while another session holds it. */
  acquire(key: string, session: string, value: string): Promise<boolean>;
  /** Gives the lock up; false when `session` did not hold it. */
  release(key: string, session: string, value?: string): Promise<boolean>;
  /**
   * A blocking query on `prefix` (recursive): returns once something under it changed after
   * `index` (a former answer's index; 0 answers at once), or after `waitMs`. The answer's index
   * goes into the next call (developer.hashicorp.com/consul/api-docs/features/blocking).
   */
  watch(
    prefix: string,
    index: number,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<{ index: number }>;
  /**
   * Applies every check-and-set write at once or none (PUT /v1/txn with `cas` verbs). False
   * when one of the keys changed since its `modifyIndex` (Consul answers 409, rolled back).
   */
  casAll(writes: { key: string; value: string; modifyIndex: number }[]): Promise<boolean>;
}

const rawEntry = z.object({
  Key: z.string(),
  Value: z.string().nullable(),
  ModifyIndex: z.number(),
  CreateIndex: z.number(),
  LockIndex: z.number(),
  Flags: z.number(),
  Session: z.string().optional(),
});

function entries(res: ConsulResponse, request: string): KvEntry[] {
  if (res.status === 404) return [];
  const parsed = z.array(rawEntry).safeParse(parseJson(res, request));
  if (!parsed.success) {
    throw new ConsulError({
      kind: 'bad_response',
      request,
      status: res.status,
      message: `Consul answered ${request} with unexpected KV entries: ${parsed.error.message}`,
    });
  }
  return parsed.data.map((e) => ({
    key: e.Key,
    value: e.Value === null ? '' : Buffer.from(e.Value, 'base64').toString('utf8'),
    modifyIndex: e.ModifyIndex,
    createIndex: e.CreateIndex,
    lockIndex: e.LockIndex,
    flags: e.Flags,
    session: e.Session,
  }));
}

export function createConsulKv(http: ConsulHttp): ConsulKv {
  const path = (key: string): string => `/v1/kv/${keyPath(key)}`;
  const write = async (
    key: string,
    value: string | undefined,
    query: Record<string, string | number>,
  ): Promise<boolean> => {
    const req = { method: 'PUT' as const, path: path(key), query, body: value ?? '' };
    return parseBool(await http(req), `PUT ${req.path}`);
  };

  return {
    async get(key) {
      const req = { method: 'GET' as const, path: path(key), allowNotFound: true };
      return entries(await http(req), `GET ${req.path}`)[0];
    },

    async list(prefix) {
      const req = {
        method: 'GET' as const,
        path: `/v1/kv/${prefix === '' ? '' : keyPath(prefix)}`,
        query: { recurse: true },
        allowNotFound: true,
      };
      const found = entries(await http(req), `GET ${req.path}`);
      return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },

    async keys(prefix) {
      const req = {
        method: 'GET' as const,
        path: `/v1/kv/${prefix === '' ? '' : keyPath(prefix)}`,
        query: { keys: true },
        allowNotFound: true,
      };
      const res = await http(req);
      if (res.status === 404) return [];
      const parsed = z.array(z.string()).safeParse(parseJson(res, `GET ${req.path}`));
      if (!parsed.success)
        throw new ConsulError({
          kind: 'bad_response',
          request: `GET ${req.path}`,
          status: res.status,
          message: `Consul answered GET ${req.path}?keys with something other than a list of keys`,
        });
      return parsed.data.sort();
    },

    async put(key, value) {
      if (!(await write(key, value, {}))) {
        throw new ConsulError({
          kind: 'server',
          request: `PUT ${path(key)}`,
          message: `Consul did not store key ${key}.`,
        });
      }
    },

    cas: (key, value, modifyIndex) => write(key, value, { cas: modifyIndex }),

    async delete(key) {
      await http({ method: 'DELETE', path: path(key) });
    },

    async deleteCas(key, modifyIndex) {
      const req = { method: 'DELETE' as const, path: path(key), query: { cas: modifyIndex } };
      return parseBool(await http(req), `DELETE ${req.path}`);
    },

    acquire: (key, session, value) => write(key, value, { acquire: session }),

    release: (key, session, value) => write(key, value, { release: session }),

    async watch(prefix, index, waitMs, signal) {
      const res = await http({
        method: 'GET',
        path: `/v1/kv/${keyPath(prefix)}`,
        query: { recurse: true, keys: true, index, wait: `${Math.ceil(waitMs / 1000)}s` },
        allowNotFound: true,
        // Consul adds up to wait/16 of jitter to a blocking query.
        timeoutMs: Math.ceil(waitMs + waitMs / 16 + 5_000),
        ...(signal ? { signal } : {}),
      });
      // An index that went backwards (a restored snapshot) starts over (same page of the docs).
      const next = res.index ?? 0;
      return { index: next < index ? 0 : next };
    },

    async casAll(writes) {
      const ops = writes.map((w) => ({
        KV: {
          Verb: 'cas',
          Key: w.key,
          Value: Buffer.from(w.value, 'utf8').toString('base64'),
          Index: w.modifyIndex,
        },
      }));
      try {
        await http({ method: 'PUT', path: '/v1/txn', body: ops });
        return true;
      } catch (err) {
        if (err instanceof ConsulError && err.status === 409) return false;
        throw err;
      }
    },
  };
}
