import {
  markAdmitted,
  wasAdmitted,
  type AdmissionContext,
  type IntakeOutcome,
  type RawDelivery,
} from '../adapters/github/intake-outcome.js';
import { admitDelivery } from '../adapters/github/webhook-admission.js';
import type { Logger } from '../core/logger.js';
import { noMetrics, type DeliveryResult, type MetricsRecorder } from '../core/metrics.js';
import type { StateStore } from '../adapters/store/state-store.js';

export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  /** As received; a string is taken as UTF-8. */
  body: Uint8Array | string;
}

export interface WebhookAnswer {
  status: number;
  body: { status: string; message?: string; event?: string; field?: string };
}

export interface WebhookHandlerOptions {
  secret: string;
  store: StateStore;
  appLogin: string;
  /** `owner/repo` from prenv.yml: deliveries of other repositories are answered `ignored`. */
  repository: string;
  logger: Logger;
  now: () => number;
  /** Called after a delivery was queued, to wake the worker. */
  onQueued: () => void;
  /** Counts each delivery by event and result. */
  metrics?: MetricsRecorder;
}

/** The `event` label of a delivery whose signature was not checked (or did not match). */
export const UNVERIFIED_EVENT = 'unverified';

/**
 * The `event` label of a verified delivery: `X-GitHub-Event` is not covered by the signature,
 * so anything but a plain event name counts as `other` and the label keeps a small set.
 */
export function eventLabel(name: string): string {
  return /^[a-z_]{1,40}$/.test(name) ? name : 'other';
}

/** `screenWebhookHeaders` that counts what it refuses (`unverified` event). */
export function countedScreen(metrics: MetricsRecorder) {
  return (headers: WebhookRequest['headers']): WebhookAnswer | null => {
    const early = screenWebhookHeaders(headers);
    if (early) metrics.delivery(UNVERIFIED_EVENT, early.status === 401 ? 'refused' : 'invalid');
    return early;
  };
}

const header = (h: WebhookRequest['headers'], name: string): string | undefined => {
  const value = h[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * The answer a delivery gets from its headers alone, before its body is read: 400 without
 * `X-GitHub-Event` or `X-GitHub-Delivery`, 401 without `X-Hub-Signature-256`; null otherwise.
 */
export function screenWebhookHeaders(headers: WebhookRequest['headers']): WebhookAnswer | null {
  if (!header(headers, 'x-github-event') || !header(headers, 'x-github-delivery')) {
    return {
      status: 400,
      body: { status: 'rejected', message: 'missing X-GitHub-Event or X-GitHub-Delivery' },
    };
  }
  if (!header(headers, 'x-hub-signature-256'))
    return { status: 401, body: { status: 'rejected', message: 'missing X-Hub-Signature-256' } };
  return null;
}

/**
 * Judges a raw delivery and queues it when admitted: on the store's writer thread when the store
 * can (`StateStore.admit`, SQLite), else here with `admitDelivery` and `enqueue`. Throws what the
 * store throws (`StateStoreError`).
 */
export async function intake(
  store: StateStore,
  delivery: RawDelivery,
  context: AdmissionContext,
): Promise<IntakeOutcome> {
  if (store.admit) return store.admit(delivery, context);
  const body = Buffer.from(delivery.body.buffer, delivery.body.byteOffset, delivery.body.length);
  const admission = await admitDelivery(
    delivery.name,
    body.toString('utf8'),
    delivery.signature,
    context,
  );
  if (admission.kind !== 'admitted') return admission;
  const { event } = admission;
  try {
    const queued = await store.enqueue({
      id: delivery.id,
      name: event.kind,
      payload: event,
      receivedAt: delivery.receivedAt,
    });
    return { kind: queued, event: event.kind };
  } catch (err) {
    throw err instanceof Error ? markAdmitted(err) : err;
  }
}

/**
 * Verifies, maps and queues one delivery, and nothing else: GitHub waits at most 10 s, and
 * everything slow happens in the worker. Answers: 401 unsigned or wrongly signed; 400 not a JSON
 * object or a field GitHub never sends (`field` names it); 202 `ignored` (with the reason: another
 * repository, an event or action prenv does not act on); 202 `queued`; 200 `duplicate`.
 */
export function createWebhookHandler(options: WebhookHandlerOptions) {
  const metrics = options.metrics ?? noMetrics;
  const context: AdmissionContext = {
    secret: options.secret,
    appLogin: options.appLogin,
    repository: options.repository,
  };
  return async (req: WebhookRequest): Promise<WebhookAnswer> => {
    let counted: { event: string; result: DeliveryResult } = {
      event: UNVERIFIED_EVENT,
      result: 'refused',
    };
    try {
      return await handle(req, (c) => (counted = c));
    } catch (err) {
      counted.result = 'failed';
      // Verified before the store failed: counted under its event, as one that was queued.
      if (wasAdmitted(err)) counted.event = eventLabel(header(req.headers, 'x-github-event')!);
      throw err;
    } finally {
      metrics.delivery(counted.event, counted.result);
    }
  };

  async function handle(
    req: WebhookRequest,
    count: (c: { event: string; result: DeliveryResult }) => void,
  ): Promise<WebhookAnswer> {
    const screened = screenWebhookHeaders(req.headers);
    const name = header(req.headers, 'x-github-event')!;
    const id = header(req.headers, 'x-github-delivery')!;
    const signature = header(req.headers, 'x-hub-signature-256')!;
    // Made only when a line is written: most deliveries log nothing at the default level.
    const log = () =>
      options.logger.child({ delivery: id?.slice(0, 100), event: name?.slice(0, 100) });
    if (screened) {
      if (screened.status === 401) log().warn('refused an unsigned delivery');
      else count({ event: UNVERIFIED_EVENT, result: 'invalid' });
      return screened;
    }
    const body = typeof req.body === 'string' ? Buffer.from(req.body) : req.body;
    const outcome = await intake(
      options.store,
      { id, name, signature, body, receivedAt: options.now() },
      context,
    );
    if (outcome.kind === 'unsigned') {
      log().warn('refused a delivery with a wrong signature');
      return {
        status: 401,
        body: { status: 'rejected', message: 'signature does not match the webhook secret' },
      };
    }
    const label = eventLabel(name);
    switch (outcome.kind) {
      case 'malformed':
        count({ event: label, result: 'invalid' });
        if (outcome.field)
          log().warn('refused a delivery with an invalid field', { field: outcome.field });
        return {
          status: 400,
          body: {
            status: 'rejected',
            ...(outcome.field ? { field: outcome.field } : {}),
            message: outcome.message,
          },
        };
      case 'ignored':
        count({ event: label, result: 'ignored' });
        log().info('ignored', { reason: outcome.reason });
        return { status: 202, body: { status: 'ignored', message: outcome.reason } };
      case 'duplicate':
        count({ event: label, result: 'duplicate' });
        log().info('duplicate delivery');
        return { status: 200, body: { status: 'duplicate', event: outcome.event } };
      case 'queued':
        count({ event: label, result: 'accepted' });
        log().info('queued', { kind: outcome.event });
        options.onQueued();
        return { status: 202, body: { status: 'queued', event: outcome.event } };
    }
  }
}
