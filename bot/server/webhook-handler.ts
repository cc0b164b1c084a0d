import { Webhooks } from '@octokit/webhooks';
import { mapWebhook, type DomainEvent } from '../core/events.js';
import type { Logger } from '../core/logger.js';
import type { StateStore } from '../adapters/store/state-store.js';

export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface WebhookAnswer {
  status: number;
  body: { status: string; message?: string; event?: string };
}

export interface WebhookHandlerOptions {
  secret: string;
  store: StateStore;
  appLogin: string;
  logger: Logger;
  now: () => number;
  /** Called after a delivery was queued, to wake the worker. */
  onQueued: () => void;
}

const header = (h: WebhookRequest['headers'], name: string): string | undefined => {
  const value = h[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Verifies, maps and queues one delivery, and nothing else: GitHub waits at most 10 s, and
 * everything slow happens in the worker.
 */
export function createWebhookHandler(options: WebhookHandlerOptions) {
  const webhooks = new Webhooks({ secret: options.secret });
  return async (req: WebhookRequest): Promise<WebhookAnswer> => {
    const name = header(req.headers, 'x-github-event');
    const id = header(req.headers, 'x-github-delivery');
    const signature = header(req.headers, 'x-hub-signature-256');
    if (!name || !id) {
      return {
        status: 400,
        body: { status: 'rejected', message: 'missing X-GitHub-Event or X-GitHub-Delivery' },
      };
    }
    const log = options.logger.child({ delivery: id, event: name });
    if (!signature) {
      log.warn('refused an unsigned delivery');
      return { status: 401, body: { status: 'rejected', message: 'missing X-Hub-Signature-256' } };
    }
    if (!(await webhooks.verify(req.body, signature).catch(() => false))) {
      log.warn('refused a delivery with a wrong signature');
      return {
        status: 401,
        body: { status: 'rejected', message: 'signature does not match the webhook secret' },
      };
    }
    let payload: unknown;
    try {
      payload = JSON.parse(req.body);
    } catch {
      return { status: 400, body: { status: 'rejected', message: 'body is not JSON' } };
    }
    const event: DomainEvent = mapWebhook(name, payload, { appLogin: options.appLogin });
    if (event.kind === 'ignored') {
      log.debug('ignored', { reason: event.reason });
      return { status: 202, body: { status: 'ignored', message: event.reason } };
    }
    const result = await options.store.enqueue({
      id,
      name: event.kind,
      payload: event,
      receivedAt: options.now(),
    });
    if (result === 'duplicate') {
      log.info('duplicate delivery');
      return { status: 200, body: { status: 'duplicate', event: event.kind } };
    }
    log.info('queued', { kind: event.kind });
    options.onQueued();
    return { status: 202, body: { status: 'queued', event: event.kind } };
  };
}
