import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalHttpServer {
  readonly port: number;
  readonly url: string;
  /** Status `/health` answers from now on. */
  setHealthStatus(status: number): void;
  close(): Promise<void>;
}

/**
 * A tiny web app on 127.0.0.1: `/health` answers the health status (200 by
 * default), every other path answers 200 with `name`, so a test can tell which
 * upstream a proxy reached.
 */
export async function startLocalHttpServer(name: string): Promise<LocalHttpServer> {
  let healthStatus = 200;
  const server: Server = createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(healthStatus, { 'Content-Type': 'text/plain' }).end('health\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end(name);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    setHealthStatus: (status) => {
      healthStatus = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * GET with an explicit Host header (fetch does not let a caller set Host),
 * as a browser asking for a PR's hostname would.
 */
export function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Host: host }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${url} (Host ${host}) timed out`)));
    req.on('error', reject);
    req.end();
  });
}
