import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import type { StateStore } from '../../bot/adapters/store/state-store.js';
import { silentLogger } from '../../bot/core/logger.js';
import { close, createBotHttpServer, listen, WEBHOOK_PATH } from '../../bot/server/http-server.js';
import { createWebhookHandler } from '../../bot/server/webhook-handler.js';
import type { DomainEvent } from '../../bot/core/events.js';
import {
  inRepository,
  prCommentPayload,
  realPayload,
  signedDelivery,
} from '../support/webhook-examples.js';

const SECRET = 'webhook-secret-for-tests';
let store: StateStore;
let server: Server;
let base: string;
let wakeups = 0;
let deliveryNo = 0;

beforeAll(async () => {
  store = openSqliteStore(path.join(mkdtempSync(path.join(tmpdir(), 'prenv-hook-')), 'state.db'));
  server = createBotHttpServer({
    handleWebhook: createWebhookHandler({
      secret: SECRET,
      store,
      appLogin: 'prenv[bot]',
      repository: 'Codertocat/Hello-World',
      logger: silentLogger,
      now: () => 1_000,
      onQueued: () => void wakeups++,
    }),
    allowCertificate: async (host) => host === 'pr-7.pr.example.com',
    health: async () => ({ ok: true, checks: {} }),
    logger: silentLogger,
  });
  base = `http://127.0.0.1:${await listen(server, 0)}`;
});

afterAll(async () => {
  await close(server);
  await store.close();
});

beforeEach(async () => {
  for (const d of await store.pending(1000)) await store.complete(d.id);
});

async function post(
  name: string,
  payload: unknown,
  id = `delivery-${++deliveryNo}`,
  secret = SECRET,
) {
  const delivery = await signedDelivery(name, payload, secret, id);
  const res = await fetch(`${base}${WEBHOOK_PATH}`, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      status: string;
      event?: string;
      message?: string;
      field?: string;
    },
  };
}

async function queuedEvents(): Promise<DomainEvent[]> {
  return (await store.pending(1000)).map((d) => d.payload as DomainEvent);
}

describe('webhook endpoint with real payloads', () => {
  it.each([
    [
      'opened',
      (p: Record<string, unknown>) => !(p.pull_request as { draft: boolean }).draft,
      'pr_opened',
    ],
    ['reopened', () => true, 'pr_opened'],
    ['ready_for_review', () => true, 'pr_opened'],
    ['synchronize', () => true, 'pr_updated'],
    ['converted_to_draft', () => true, 'pr_drafted'],
    ['closed', () => true, 'pr_closed'],
  ])('pull_request.%s → %s', async (action, filter, kind) => {
    const payload = realPayload('pull_request', action, filter);
    const answer = await post('pull_request', payload);
    expect(answer).toEqual({ status: 202, body: { status: 'queued', event: kind } });
    const [event] = await queuedEvents();
    expect(event?.kind).toBe(kind);
    const pr = (payload.pull_request as { number: number }).number;
    expect(event && 'pull' in event ? event.pull.number : undefined).toBe(pr);
  });

  it('queues a /deploy comment on a pull request as a command', async () => {
    const answer = await post('issue_comment', prCommentPayload('/deploy', 'maintainer', 7));
    expect(answer).toEqual({ status: 202, body: { status: 'queued', event: 'comment_command' } });
    const [event] = await queuedEvents();
    expect(event).toMatchObject({ kind: 'comment_command', pr: 7, actor: 'maintainer' });
  });

  it('answers 202 without queueing what it does not handle', async () => {
    const answer = await post('pull_request', realPayload('pull_request', 'labeled'));
    expect(answer.status).toBe(202);
    expect(answer.body.status).toBe('ignored');
    expect(await queuedEvents()).toEqual([]);
  });

  it('refuses a forged signature, queueing nothing', async () => {
    const answer = await post(
      'pull_request',
      realPayload('pull_request', 'reopened'),
      'forged-1',
      'not-the-secret',
    );
    expect(answer).toEqual({
      status: 401,
      body: { status: 'rejected', message: 'signature does not match the webhook secret' },
    });
    expect(await queuedEvents()).toEqual([]);
  });

  it('refuses an unsigned delivery', async () => {
    const body = JSON.stringify(realPayload('pull_request', 'reopened'));
    const res = await fetch(`${base}${WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'x-github-event': 'pull_request', 'x-github-delivery': 'unsigned-1' },
      body,
    });
    expect(res.status).toBe(401);
    expect(await queuedEvents()).toEqual([]);
  });

  it('refuses a signed body that was changed on the way', async () => {
    const delivery = await signedDelivery(
      'pull_request',
      realPayload('pull_request', 'reopened'),
      SECRET,
      'tampered-1',
    );
    const res = await fetch(`${base}${WEBHOOK_PATH}`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body.replace('"reopened"', '"closed"'),
    });
    expect(res.status).toBe(401);
  });

  it('deduplicates a redelivery by X-GitHub-Delivery', async () => {
    const payload = realPayload('pull_request', 'reopened');
    const before = wakeups;
    expect((await post('pull_request', payload, 'same-delivery')).status).toBe(202);
    expect(await post('pull_request', payload, 'same-delivery')).toEqual({
      status: 200,
      body: { status: 'duplicate', event: 'pr_opened' },
    });
    expect(await queuedEvents()).toHaveLength(1);
    expect(wakeups).toBe(before + 1);
  });
});

describe('deliveries the bot must not act on', () => {
  it.each([
    ['pull_request', () => realPayload('pull_request', 'closed')],
    ['pull_request', () => realPayload('pull_request', 'opened')],
    ['issue_comment', () => prCommentPayload('/destroy', 'maintainer', 2)],
  ])('answers a %s of another repository 202 ignored, queueing nothing', async (name, payload) => {
    const answer = await post(name, inRepository(payload(), 'someorg/other-repo'));
    expect(answer).toEqual({
      status: 202,
      body: {
        status: 'ignored',
        message: `${name}: repository someorg/other-repo is not Codertocat/Hello-World`,
      },
    });
    expect(await queuedEvents()).toEqual([]);
  });

  it.each([
    ['pull_request.number', 0],
    ['pull_request.number', -1],
    ['pull_request.number', 1.5],
    ['pull_request.number', 1e21],
    ['pull_request.head.sha', 'abc1234'],
  ])('answers 400 naming %s for %s, queueing nothing', async (field, value) => {
    const payload = realPayload('pull_request', 'closed');
    const pull = payload.pull_request as Record<string, Record<string, unknown>>;
    if (field === 'pull_request.number') (pull as Record<string, unknown>).number = value;
    else pull.head!.sha = value;
    const answer = await post('pull_request', payload);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ status: 'rejected', field });
    expect(await queuedEvents()).toEqual([]);
  });
});

describe('other endpoints', () => {
  it('serves /healthz', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
  });

  it('allows certificates only for hosts of live environments', async () => {
    expect((await fetch(`${base}/tls/ask?domain=pr-7.pr.example.com`)).status).toBe(200);
    expect((await fetch(`${base}/tls/ask?domain=pr-8.pr.example.com`)).status).toBe(404);
    expect((await fetch(`${base}/tls/ask`)).status).toBe(404);
  });
});
