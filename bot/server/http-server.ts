import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../core/logger.js';
import {
  BodyBudget,
  BodyTooLargeError,
  BudgetExhaustedError,
  readBudgetedBody,
} from './body-budget.js';
import type { WebhookAnswer, WebhookRequest } from './webhook-handler.js';

/** GitHub caps webhook payloads at 25 MB ("Webhook payloads are capped at 25 MB", GitHub docs). */
export const MAX_WEBHOOK_BODY = 25 * 1024 * 1024;
/** Seconds a client is asked to wait when the budget is spent. */
const RETRY_AFTER_S = 5;
/** Whole request, headers and body: GitHub sends a delivery in well under a second. */
const REQUEST_TIMEOUT_MS = 30_000;
const HEADERS_TIMEOUT_MS = 10_000;

export interface BotHttpOptions {
  handleWebhook: (req: WebhookRequest) => Promise<WebhookAnswer>;
  /**
   * Answers a delivery from its headers alone (no event name, no delivery id, no signature), so
   * such a request is refused before its body is read; null lets it through.
   */
  screenWebhook?: (headers: WebhookRequest['headers']) => WebhookAnswer | null;
  /** Caddy's on-demand TLS asks whether to get a certificate for this host (as sent). */
  allowCertificate: (host: string) => Promise<boolean>;
  /**
   * `GET /healthz`: 200 when `ok`, else 503, with `status` and one short word per check
   * (`ok`, `not_writable`, `stalled`). Anyone may ask: give no detail here (see `publicHealth`).
   */
  health: () => Promise<{ ok: boolean; checks: Record<string, string> }>;
  /** The Prometheus exposition for `GET /metrics`; without it the path is a 404. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  logger: Logger;
  /**
   * Pages under any other path (the dashboard); answers false when it has none, which is a 404.
   * The routes above always win, so `/healthz`, `/metrics` and the webhook path stay as they are.
   */
  pages?: PageRoute;
  /**
   * Counts webhook requests from their first byte to their answer (`IntakeLoad`), so the engine
   * plans at a lower priority while deliveries are coming in.
   */
  intake?: { begin(): () => void };
  /** Most bytes of one webhook body (default: GitHub's 25 MB). */
  maxBodyBytes?: number;
  /** Bytes of not-yet-verified bodies held at once (default: twice `maxBodyBytes`). */
  unverifiedBudget?: BodyBudget;
}

export const WEBHOOK_PATH = '/webhooks/github';

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;
type PageRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

/**
 * The bot's HTTP edge. Every request gets an answer and nothing it sends can stop the process:
 * an unparsable target, or one whose path or query does not percent-decode, is a 400 (see
 * `parseTarget`), an unknown path a 404, a wrong method a 405, and any throw from
 * a handler a 500 (logged). Node's own parser answers malformed requests (400, 431) before they
 * get here.
 */
export function createBotHttpServer(options: BotHttpOptions): Server {
  const maxBytes = options.maxBodyBytes ?? MAX_WEBHOOK_BODY;
  const budget = options.unverifiedBudget ?? new BodyBudget(2 * maxBytes);
  const routes = botRoutes(options, maxBytes, budget);

  const server = createServer((req, res) => {
    // A client that goes away mid-request makes these emit; the answer is simply dropped.
    req.on('error', () => {});
    res.on('error', () => {});
    const started = { method: String(req.method).slice(0, 20), path: '' };
    const respond = async () => {
      const url = parseTarget(req.url);
      if (!url) return json(res, 400, { status: 'rejected', message: 'malformed request target' });
      started.path = url.pathname.slice(0, 200);
      const methods = Object.hasOwn(routes, url.pathname) ? routes[url.pathname]! : null;
      if (!methods && (await options.pages?.(req, res, url))) return;
      if (!methods) return json(res, 404, { status: 'not_found' });
      const route = Object.hasOwn(methods, req.method ?? '') ? methods[req.method!] : undefined;
      if (!route) {
        res.setHeader('allow', Object.keys(methods).join(', '));
        return json(res, 405, { status: 'method_not_allowed' });
      }
      await route(req, res, url);
    };
    respond().catch((err: unknown) => {
      if (err instanceof BodyTooLargeError) {
        res.setHeader('connection', 'close');
        return json(res, 413, { status: 'rejected', message: err.message });
      }
      if (err instanceof BudgetExhaustedError) {
        options.logger.warn('refused a request body: unverified body budget spent', {
          inUse: budget.inUse,
          limit: budget.limitBytes,
        });
        res.setHeader('connection', 'close');
        res.setHeader('retry-after', String(RETRY_AFTER_S));
        return json(res, 503, { status: 'busy', message: err.message });
      }
      if (res.destroyed || req.socket.destroyed) return; // the client went away
      options.logger.error('request failed', { ...started, error: String(err) });
      json(res, 500, { status: 'error' });
    });
  });
  // CONNECT (a proxy tunnel) skips the request handler: without a listener Node drops the
  // connection unanswered. The bot is no proxy; say so.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => {});
    socket.end(
      'HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, POST\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
    );
  });
  // A client may half-close once its request is sent (`curl -T`, `nc -N`, some proxies). Node's
  // default ends the socket at that FIN and drops any answer not yet written, so a delivery
  // waiting on its disk commit went unanswered. `httpAllowHalfOpen` is the switch Node reads in
  // `socketOnEnd` (lib/_http_server.js); it is not in @types/node, and test/server/http-edge
  // proves it still works.
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  return server;
}

/**
 * The bot's own routes, path → method → handler; they win over the dashboard's pages. Exported
 * so tests enumerate every path the edge serves.
 */
export function botRoutes(
  options: BotHttpOptions,
  maxBytes = MAX_WEBHOOK_BODY,
  budget = new BodyBudget(2 * maxBytes),
): Record<string, Partial<Record<string, Route>>> {
  return {
    [WEBHOOK_PATH]: {
      POST: async (req, res) => {
        const early = options.screenWebhook?.(req.headers);
        if (early) {
          // The body is not wanted: close rather than read it to keep the connection.
          res.setHeader('connection', 'close');
          return json(res, early.status, early.body);
        }
        const answered = options.intake?.begin();
        try {
          const body = await readBudgetedBody(req, { maxBytes, budget });
          try {
            const answer = await options.handleWebhook({ headers: req.headers, body: body.bytes });
            json(res, answer.status, answer.body);
          } finally {
            body.release();
          }
        } finally {
          answered?.();
        }
      },
    },
    '/healthz': {
      GET: async (_req, res) => {
        const health = await options.health();
        json(res, health.ok ? 200 : 503, {
          status: health.ok ? 'ok' : 'failing',
          ...health.checks,
        });
      },
    },
    ...(options.metrics ? { '/metrics': { GET: metricsRoute(options.metrics) } } : {}),
    '/tls/ask': {
      GET: async (_req, res, url) => {
        const domains = url.searchParams.getAll('domain');
        const domain = domains.length === 1 ? domains[0]! : '';
        const allowed = domain !== '' && (await options.allowCertificate(domain));
        json(res, allowed ? 200 : 404, { domain: domain.slice(0, 300), allowed });
      },
    },
  };
}

function metricsRoute(scrape: NonNullable<BotHttpOptions['metrics']>): Route {
  return async (_req, res) => {
    const { contentType, body } = await scrape();
    if (res.headersSent || res.destroyed) return;
    res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
}

/**
 * The request target as a URL; null unless it is an origin-form path (`/…`) that parses and
 * whose path and query percent-decode: a `%` without two hex digits after it, or escapes that are
 * not UTF-8 (`/%%zz`, `/pr/%E0%A4%A`, `?next=%E0`), make the target malformed (RFC 3986 §2.1,
 * RFC 3629) whichever route it names, so no handler ever meets one.
 */
export function parseTarget(target: string | undefined): URL | null {
  if (!target?.startsWith('/')) return null;
  try {
    const url = new URL(`http://localhost${target}`);
    decodeURIComponent(url.pathname);
    decodeURIComponent(url.search);
    return url;
  } catch {
    return null;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
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
