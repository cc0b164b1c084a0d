import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHetznerClient, isHetznerError } from '../../bot/adapters/hetzner/index.js';
import { startFakeHetzner, type FakeHetzner } from '../fakes/hetzner-api/server.js';

const TOKEN = 'hcloud-token-abcdef0123456789';
let api: FakeHetzner;

beforeAll(async () => {
  api = await startFakeHetzner({
    token: TOKEN,
    source: async () => [
      {
        id: 11,
        name: 'aipacto-production-server-1',
        labels: { project: 'aipacto', environment: 'production', pr: 'none' },
      },
      { id: 12, name: 'other-pr-3', labels: { project: 'other', environment: 'pr', pr: '3' } },
    ],
  });
  for (const pr of [1, 2, 3, 4, 5])
    api.addStray({
      id: 100 + pr,
      name: `pr-${pr}-aipacto-client-1`,
      labels: { project: 'aipacto', environment: 'pr', pr: String(pr) },
    });
});

afterAll(async () => {
  await api?.close();
});

const client = (token = TOKEN, perPage = 2) =>
  createHetznerClient({ baseUrl: api.url, token, fetch, perPage });

describe('Hetzner Cloud adapter', () => {
  it('lists every page of servers matching a label selector', async () => {
    api.requests.length = 0;
    const servers = await client().listServers('project==aipacto');
    expect(servers.map((s) => s.id)).toEqual([11, 101, 102, 103, 104, 105]);
    expect(servers[1]).toEqual({
      id: 101,
      name: 'pr-1-aipacto-client-1',
      status: 'running',
      created: '2026-11-22T10:00:00+00:00',
      labels: { project: 'aipacto', environment: 'pr', pr: '1' },
      serverType: 'cx22',
      location: 'nbg1',
    });
    expect(api.requests.map((r) => r.query)).toEqual(
      [1, 2, 3].map((page) => ({
        label_selector: 'project==aipacto',
        page: String(page),
        per_page: '2',
      })),
    );
    const prs = await client().listServers('project==aipacto,environment==pr,pr==4');
    expect(prs.map((s) => s.name)).toEqual(['pr-4-aipacto-client-1']);
  });

  it('deletes a server by id and takes "already gone" as done', async () => {
    expect(await client().deleteServer(105)).toBe('deleted');
    expect(await client().deleteServer(105)).toBe('already_gone');
    expect(api.deleted).toEqual([105]);
    expect((await client().listServers('pr==5')).length).toBe(0);
  });

  it('turns a refused token into an error that says what to set, without the token', async () => {
    const err = await client('wrong-token-value')
      .listServers('project==aipacto')
      .catch((e: unknown) => e);
    expect(isHetznerError(err, 'unauthorized')).toBe(true);
    expect((err as Error).message).toContain('PRENV_HCLOUD_TOKEN');
    expect((err as Error).message).not.toContain('wrong-token-value');
  });

  it('says when the rate limit refills', async () => {
    api.failNext(429, 'rate_limit_exceeded', 'limit of requests reached');
    const err = await client()
      .deleteServer(104)
      .catch((e: unknown) => e);
    expect(isHetznerError(err, 'rate_limit_exceeded')).toBe(true);
    const { resetAt, message } = err as { resetAt: number; message: string };
    expect(resetAt).toBeGreaterThan(Date.now());
    expect(message).toContain(`it refills at ${new Date(resetAt).toISOString()}`);
    api.failNext(423, 'locked', 'server is locked');
    const locked = await client()
      .deleteServer(104)
      .catch((e: unknown) => e);
    expect(isHetznerError(locked, 'api_error')).toBe(true);
    expect((locked as { code: string }).code).toBe('locked');
  });

  it('answers the rate limit itself once the budget is spent', async () => {
    const small = await startFakeHetzner({ token: TOKEN, rateLimit: 1 });
    const c = createHetznerClient({ baseUrl: small.url, token: TOKEN, fetch });
    expect(await c.listServers('project==x')).toEqual([]);
    await expect(c.listServers('project==x')).rejects.toMatchObject({
      kind: 'rate_limit_exceeded',
    });
    await small.close();
  });

  it('says when the API cannot be reached', async () => {
    const c = createHetznerClient({ baseUrl: 'http://127.0.0.1:1/v1', token: TOKEN, fetch });
    await expect(c.listServers('project==x')).rejects.toMatchObject({ kind: 'unreachable' });
  });
});
