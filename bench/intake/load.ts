/** The load of `npm run bench:intake`: one signed delivery, sent by autocannon. */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { inRepository, realPayload, signedDelivery } from '../../test/support/webhook-examples.js';
import type { Server } from './servers.js';
import { BODY_BYTES, REPOSITORY, REQUESTS, SECRET } from './settings.js';

interface AutocannonResult {
  latency: { p50: number; p99: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface Run {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  accepted: number;
  failed: number;
  lost: number | null;
  /** Deliveries queued but not yet planned when the last answer came (prenv only). */
  unplanned: number | null;
}

export interface DeliveryRequest {
  body: string;
  headers: Record<string, string>;
}

/** The request body: a real `pull_request.opened`, its PR body padded to `BODY_BYTES`. */
export async function request(): Promise<DeliveryRequest> {
  const payload = inRepository(
    realPayload('pull_request', 'opened', (p) => !(p.pull_request as { draft: boolean }).draft),
    REPOSITORY,
  );
  const pull = payload.pull_request as { body: string | null };
  const size = Buffer.byteLength(JSON.stringify(payload));
  pull.body = `${pull.body ?? ''}${'x'.repeat(Math.max(0, BODY_BYTES - size))}`;
  return signedDelivery('pull_request', payload, SECRET, 'set-per-request');
}

/** `REQUESTS` deliveries over `connections` keep-alive connections, each with a new delivery id. */
export async function drive(
  server: Server,
  connections: number,
  req: DeliveryRequest,
): Promise<Run> {
  const before = server.queued?.() ?? 0;
  // autocannon ends a run at its next 1 s tick: the time is taken from the responses instead.
  const started = performance.now();
  let last = started;
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}/webhooks/github`,
    connections,
    amount: REQUESTS,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        headers: req.headers,
        body: req.body,
        setupRequest: (r: { headers: Record<string, string> }) => ({
          ...r,
          headers: { ...r.headers, 'x-github-delivery': randomUUID() },
        }),
        onResponse: () => {
          last = performance.now();
        },
      },
    ],
  });
  const accepted = result['2xx'];
  return {
    perSecond: Math.round((accepted * 1000) / (last - started)),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    accepted,
    failed: result.non2xx + result.errors + result.timeouts,
    lost: server.queued ? accepted - (server.queued() - before) : null,
    unplanned: server.unplanned?.() ?? null,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
