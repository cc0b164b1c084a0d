/**
 * httpFetch answers and fails as Node's fetch does for what the adapters use: each case runs
 * against a local HTTP server through both, and what the caller can see must be equal.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFetch } from '../../bot/adapters/http-fetch.js';

let base = '';
/** A port nothing listens on (fetch refuses to try port 1 and other "bad ports" at all). */
let closedPort = 0;
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/slow') return void setTimeout(() => res.end('late'), 2_000);
    const status = Number(url.searchParams.get('status') ?? 200);
    res.writeHead(status, { 'content-type': 'application/json', 'x-seen': req.method ?? '' });
    res.end(
      JSON.stringify({
        method: req.method,
        path: url.pathname,
        query: url.search,
        token: req.headers['x-nomad-token'] ?? null,
        type: req.headers['content-type'] ?? null,
        body,
      }),
    );
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function seen(f: typeof fetch, url: string, init?: RequestInit) {
  try {
    const res = await f(url, init);
    return {
      ok: res.ok,
      status: res.status,
      statusText: res.statusText,
      type: res.headers.get('content-type'),
      seen: res.headers.get('X-Seen'),
      missing: res.headers.get('x-missing'),
      text: await res.text(),
    };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { threw: e.constructor.name, name: e.name, message: e.message, code: e.cause?.code };
  }
}

describe('httpFetch', () => {
  it.each<[string, () => [string, RequestInit?]]>([
    ['a GET with a query', () => [`${base}/v1/jobs?prefix=aipacto`]],
    ['headers', () => [`${base}/v1/jobs`, { headers: { 'x-nomad-token': 'secret-token' } }]],
    [
      'a POST with a JSON body',
      () => [
        `${base}/v1/jobs`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ Job: { ID: 'é' } }),
        },
      ],
    ],
    ['a DELETE', () => [`${base}/v1/job/web`, { method: 'DELETE' }]],
    ['a 404', () => [`${base}/v1/job/none?status=404`]],
    ['a 500', () => [`${base}/v1/jobs?status=500`]],
    ['a refused connection', () => [`http://127.0.0.1:${closedPort}/v1/jobs`]],
    ['a timeout', () => [`${base}/slow`, { signal: AbortSignal.timeout(100) }]],
    ['an aborted signal', () => [`${base}/v1/jobs`, { signal: AbortSignal.abort() }]],
  ])('%s: as Node fetch', async (_, request) => {
    const [url, init] = request();
    const [ours, node] = await Promise.all([seen(httpFetch, url, init), seen(fetch, url, init)]);
    expect(ours).toEqual(node);
  });

  it('parses JSON answers', async () => {
    const res = await httpFetch(`${base}/v1/jobs`);
    expect(await res.json()).toMatchObject({ method: 'GET', path: '/v1/jobs' });
  });
});
