import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../core/logger.js';
import { BodyTooLargeError, readBody } from './read-body.js';
import type { WebhookAnswer, WebhookRequest } from './webhook-handler.js';

/** GitHub caps webhook payloads at 25 MB. */
const MAX_BODY = 25 * 1024 * 1024;

export interface BotHttpOptions {
  handleWebhook: (req: WebhookRequest) => Promise<WebhookAnswer>;
  /** Caddy's on-demand TLS asks whether to get a certificate for this host. */
  allowCertificate: (host: string) => Promise<boolean>;
  health: () => Promise<{ ok: boolean; detail: Record<string, unknown> }>;
  logger: Logger;
}

export const WEBHOOK_PATH = '/webhooks/github';

export function createBotHttpServer(options: BotHttpOptions): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = `${req.method} ${url.pathname}`;
    const handle = async () => {
      if (route === `POST ${WEBHOOK_PATH}`) {
        const body = await readBody(req, MAX_BODY);
        const answer = await options.handleWebhook({ headers: req.headers, body });
        return json(res, answer.status, answer.body);
      }
      if (route === 'GET /healthz') {
        const health = await options.health();
        return json(res, health.ok ? 200 : 503, health);
      }
      if (route === 'GET /tls/ask') {
        const host = url.searchParams.get('domain') ?? '';
        const allowed = host !== '' && (await options.allowCertificate(host.toLowerCase()));
        return json(res, allowed ? 200 : 404, { domain: host, allowed });
      }
      return json(res, 404, { status: 'not_found' });
    };
    handle().catch((err: unknown) => {
      if (err instanceof BodyTooLargeError)
        return json(res, 413, { status: 'rejected', message: err.message });
      options.logger.error('request failed', { route, error: String(err) });
      return json(res, 500, { status: 'error' });
    });
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function listen(server: Server, port: number, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

export async function close(server: Server): Promise<void> {
  server.closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
