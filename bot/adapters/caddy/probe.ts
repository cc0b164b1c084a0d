import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** What one request through Caddy got: the status (0: no answer) and where a redirect points. */
export interface EntryAnswer {
  status: number;
  location?: string;
  /** Why there was no answer (connection refused, TLS handshake, timeout). */
  error?: string;
}

export interface EntryRequest {
  /**
   * Where Caddy listens, as prenv reaches it: `http://10.0.1.10:80` (a listener without automatic
   * HTTPS, as behind the load balancer) or `https://203.0.113.7:443` (the public entry).
   */
  entry: string;
  /** The environment's host: the Host header, and the TLS server name (SNI) over HTTPS. */
  host: string;
  path: string;
  timeoutMs?: number;
  /** PEM of an extra trusted CA (Caddy's internal CA in tests and `tls.mode: internal`). */
  ca?: string;
  /** More request headers (the preview's bypass token). */
  headers?: Record<string, string>;
}

/**
 * GET `path` of `host` from the Caddy at `entry`, the way a browser reaches the route: over
 * HTTPS the TLS server name is the env's host, so Caddy picks that host's certificate and the
 * certificate is verified; the Host header is always the env's host (fetch cannot set Host, so
 * node:http and node:https are used). Never throws: no answer is status 0 with the reason.
 */
export function requestThroughEntry(req: EntryRequest): Promise<EntryAnswer> {
  const url = new URL(req.entry);
  const tls = url.protocol === 'https:';
  const options = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port || (tls ? 443 : 80),
    path: req.path,
    method: 'GET',
    headers: { ...req.headers, host: req.host, 'user-agent': 'prenv-probe' },
    timeout: req.timeoutMs ?? 5_000,
    ...(tls ? { servername: req.host, ...(req.ca ? { ca: req.ca } : {}) } : {}),
  };
  return new Promise((resolve) => {
    const send = tls ? httpsRequest : httpRequest;
    const sent = send(options, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          ...(res.headers.location ? { location: res.headers.location } : {}),
        }),
      );
      res.on('error', (err) => resolve({ status: 0, error: err.message }));
    });
    sent.on('timeout', () => sent.destroy(new Error(`no answer within ${options.timeout} ms`)));
    sent.on('error', (err) => resolve({ status: 0, error: err.message }));
    sent.end();
  });
}
