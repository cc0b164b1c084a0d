import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConsulError,
  createConsulClient,
  type ConsulClient,
} from '../../bot/adapters/consul/client.js';
import type { LogFields, Logger } from '../../bot/core/logger.js';
import { useConsul } from '../support/consul-process.js';

const aclToken = 'd7c4a1e0-5b1f-4c9e-8a51-prenv-test-token';
// ACLs on, default policy deny: every call needs the token.
const consulProcess = useConsul({ aclMasterToken: aclToken });

function recordingLogger(lines: Array<{ msg: string; fields?: LogFields }>): Logger {
  const log = (msg: string, fields?: LogFields): void => {
    lines.push({ msg, fields });
  };
  const logger: Logger = { debug: log, info: log, warn: log, error: log, child: () => logger };
  return logger;
}

let consul: ConsulClient;
let sentTokens: Array<string | null>;
const logLines: Array<{ msg: string; fields?: LogFields }> = [];

beforeAll(() => {
  sentTokens = [];
  const recordingFetch: typeof fetch = (input, init) => {
    sentTokens.push(new Headers(init?.headers).get('X-Consul-Token'));
    return fetch(input, init);
  };
  consul = createConsulClient({
    baseUrl: consulProcess().httpUrl,
    fetch: recordingFetch,
    token: aclToken,
    logger: recordingLogger(logLines),
  });
});

describe('Consul ACL token', () => {
  it('without the token Consul refuses, and the error says what to do', async () => {
    const anonymous = createConsulClient({ baseUrl: consulProcess().httpUrl, fetch });
    const err = await anonymous.kv.put('prenv/acl/key', 'x').catch((e) => e);
    expect(err).toBeInstanceOf(ConsulError);
    expect(err).toMatchObject({ kind: 'forbidden', status: 403 });
    expect(err.message).toContain('PRENV_CONSUL_TOKEN');
    expect(err.message).toContain('terraform/acl/consul/bot.hcl');
  });

  it('is sent with every request and never reaches the logs', async () => {
    await consul.kv.put('prenv/acl/key', 'x');
    await consul.kv.get('prenv/acl/key');
    expect(sentTokens.length).toBeGreaterThan(0);
    expect(sentTokens.every((t) => t === aclToken)).toBe(true);
    expect(logLines.length).toBeGreaterThan(0);
    expect(JSON.stringify(logLines)).not.toContain(aclToken);
  });
});

describe('Consul KV', () => {
  it('stores, reads, lists and deletes values (base64 on the wire)', async () => {
    const value = 'postgres://app@db:5432/app?sslmode=require — ünïcode ✓';
    await consul.kv.put('prenv/kv/pr-7/DATABASE_URL', value);
    await consul.kv.put('prenv/kv/pr-7/EMPTY', '');
    await consul.kv.put('prenv/kv/pr-8/JWT_SECRET', 'other');

    expect(await consul.kv.get('prenv/kv/pr-7/DATABASE_URL')).toMatchObject({
      key: 'prenv/kv/pr-7/DATABASE_URL',
      value,
      session: undefined,
    });
    expect((await consul.kv.get('prenv/kv/pr-7/EMPTY'))?.value).toBe('');
    expect((await consul.kv.list('prenv/kv/pr-7/')).map((e) => e.key)).toEqual([
      'prenv/kv/pr-7/DATABASE_URL',
      'prenv/kv/pr-7/EMPTY',
    ]);

    await consul.kv.delete('prenv/kv/pr-7/DATABASE_URL');
    expect(await consul.kv.get('prenv/kv/pr-7/DATABASE_URL')).toBeUndefined();
    await consul.kv.delete('prenv/kv/pr-7/DATABASE_URL'); // already gone: fine
    expect(await consul.kv.list('prenv/kv/none/')).toEqual([]);
  });

  it('check-and-set: of two writers holding the same index exactly one wins', async () => {
    await consul.kv.put('prenv/cas/slots', '{"live":[]}');
    const read = await consul.kv.get('prenv/cas/slots');
    expect(read).toBeDefined();
    const index = read!.modifyIndex;

    const [a, b] = await Promise.all([
      consul.kv.cas('prenv/cas/slots', '{"live":["pr-1"]}', index),
      consul.kv.cas('prenv/cas/slots', '{"live":["pr-2"]}', index),
    ]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const stored = await consul.kv.get('prenv/cas/slots');
    expect(stored?.value).toBe(a ? '{"live":["pr-1"]}' : '{"live":["pr-2"]}');
    expect(stored!.modifyIndex).toBeGreaterThan(index);

    // The loser's index is stale now.
    expect(await consul.kv.cas('prenv/cas/slots', 'late', index)).toBe(false);
  });

  it('check-and-set with index 0 only creates', async () => {
    expect(await consul.kv.cas('prenv/cas/create-once', 'first', 0)).toBe(true);
    expect(await consul.kv.cas('prenv/cas/create-once', 'second', 0)).toBe(false);
    expect((await consul.kv.get('prenv/cas/create-once'))?.value).toBe('first');
  });

  it('deletes with check-and-set', async () => {
    await consul.kv.put('prenv/cas/delete-me', 'v');
    const entry = await consul.kv.get('prenv/cas/delete-me');
    await consul.kv.put('prenv/cas/delete-me', 'changed');
    expect(await consul.kv.deleteCas('prenv/cas/delete-me', entry!.modifyIndex)).toBe(false);
    const current = await consul.kv.get('prenv/cas/delete-me');
    expect(await consul.kv.deleteCas('prenv/cas/delete-me', current!.modifyIndex)).toBe(true);
    expect(await consul.kv.get('prenv/cas/delete-me')).toBeUndefined();
  });
});

describe('Consul sessions and locks', () => {
  const lockKey = 'prenv/locks/leader';
  // Lock delay 0 so a lock freed by destroying a session is free at once.
  const session = (name: string) =>
    consul.sessions.create({ name, ttl: '15s', behavior: 'delete', lockDelay: '0s' });

  it('a held lock cannot be taken; it can after release', async () => {
    const first = await session('bot-a');
    const second = await session('bot-b');

    expect(await consul.kv.acquire(lockKey, first, 'bot-a')).toBe(true);
    expect(await consul.kv.acquire(lockKey, second, 'bot-b')).toBe(false);
    expect(await consul.kv.get(lockKey)).toMatchObject({ value: 'bot-a', session: first });

    // Only the holder can release.
    expect(await consul.kv.release(lockKey, second)).toBe(false);
    expect(await consul.kv.release(lockKey, first)).toBe(true);
    expect(await consul.kv.acquire(lockKey, second, 'bot-b')).toBe(true);
    expect((await consul.kv.get(lockKey))?.session).toBe(second);

    expect(await consul.kv.release(lockKey, second)).toBe(true);
    await consul.sessions.destroy(first);
    await consul.sessions.destroy(second);
  });

  it('destroying the holder’s session deletes the lock key and frees the lock', async () => {
    const holder = await session('bot-a');
    const waiting = await session('bot-b');
    expect(await consul.kv.acquire(lockKey, holder, 'bot-a')).toBe(true);
    expect(await consul.kv.acquire(lockKey, waiting, 'bot-b')).toBe(false);

    expect(await consul.sessions.renew(holder)).toBe(true);
    await consul.sessions.destroy(holder);
    expect(await consul.sessions.renew(holder)).toBe(false);
    expect(await consul.kv.get(lockKey)).toBeUndefined(); // Behavior: delete

    expect(await consul.kv.acquire(lockKey, waiting, 'bot-b')).toBe(true);
    await consul.sessions.destroy(waiting);
  });

  it('acquiring with a session that does not exist is an error from Consul', async () => {
    const gone = await session('bot-gone');
    await consul.sessions.destroy(gone);
    const err = await consul.kv.acquire(lockKey, gone, 'x').catch((e) => e);
    expect(err).toBeInstanceOf(ConsulError);
    expect(err.consulText).toMatch(/session/i);
  });
});
