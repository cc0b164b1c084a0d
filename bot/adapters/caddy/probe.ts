import { request } from 'node:http';

/**
 * GET `path` from Caddy's HTTP listener with the given Host header (fetch cannot set Host), and
 * return the status. 0 when the listener cannot be reached.
 */
export function probeThroughCaddy(
  listener: string,
  host: string,
  path = '/',
  timeoutMs = 5_000,
): Promise<number> {
  const url = new URL(listener);
  return new Promise((resolve) => {
    const req = request(
      { host: url.hostname, port: url.port || 80, path, headers: { host }, timeout: timeoutMs },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}
