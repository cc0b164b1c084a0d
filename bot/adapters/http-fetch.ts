import http from 'node:http';

/**
 * A `fetch` over node:http(s) for short-lived commands (`prenv list`, `status`, `cost`): the
 * first call of Node's own fetch loads undici, 25–50 ms of CPU, more than a read command's
 * request and most of its start-up beyond Node itself. It covers what the adapters use: method,
 * headers given as a plain object, a string body and `signal`; the answer's `ok`, `status`,
 * `statusText`, `headers.get`, `text()` and `json()`, with the body read in full before it
 * resolves. It fails as fetch fails: `TypeError('fetch failed')` with the socket error (its
 * `code`, e.g. ECONNREFUSED) as `cause`, or the signal's reason (a `TimeoutError` from
 * `AbortSignal.timeout`) when aborted. The long-running bot keeps Node's fetch.
 */
export const httpFetch = (async (input: string | URL, init: RequestInit = {}) => {
  const url = new URL(String(input));
  const signal = init.signal ?? undefined;
  signal?.throwIfAborted();
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError('fetch failed', { cause: new Error(`unsupported ${url.protocol}`) });
  const client = url.protocol === 'https:' ? (await import('node:https')).default : http;
  const body = init.body;
  if (body !== undefined && body !== null && typeof body !== 'string')
    throw new TypeError('httpFetch sends string bodies only');
  return new Promise<Response>((resolve, reject) => {
    const request = client.request(url, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.headers as Record<string, string> | undefined),
        ...(typeof body === 'string' ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
      },
    });
    const abort = () => {
      request.destroy();
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', abort, { once: true });
    const done = () => signal?.removeEventListener('abort', abort);
    request.on('error', (err) => {
      done();
      reject(new TypeError('fetch failed', { cause: err }));
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (err) => {
        done();
        reject(new TypeError('fetch failed', { cause: err }));
      });
      response.on('end', () => {
        done();
        const text = Buffer.concat(chunks).toString('utf8');
        const status = response.statusCode ?? 0;
        resolve({
          ok: status >= 200 && status < 300,
          status,
          statusText: response.statusMessage ?? '',
          url: url.toString(),
          headers: {
            get: (name: string) => {
              const value = response.headers[name.toLowerCase()];
              return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
            },
          },
          text: async () => text,
          json: async () => JSON.parse(text) as unknown,
        } as unknown as Response);
      });
    });
    request.end(typeof body === 'string' ? body : undefined);
  });
}) as typeof fetch;
