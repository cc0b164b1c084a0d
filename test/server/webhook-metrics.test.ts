import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import type { StateStore } from '../../bot/adapters/store/state-store.js';
import { silentLogger } from '../../bot/core/logger.js';
import { noMetrics, type MetricsRecorder } from '../../bot/core/metrics.js';
import { createWebhookHandler } from '../../bot/server/webhook-handler.js';
import { inRepository, realPayload } from '../support/webhook-examples.js';

const SECRET = 'webhook-metrics-secret';
const REPO = 'aipacto/aipacto';

function recording(): { metrics: MetricsRecorder; counted: string[] } {
  const counted: string[] = [];
  return {
    counted,
    metrics: { ...noMetrics, delivery: (event, result) => void counted.push(`${event} ${result}`) },
  };
}

function headers(event: string | null, id: string | null, body: string | null, secret = SECRET) {
  const h: Record<string, string> = {};
  if (event !== null) h['x-github-event'] = event;
  if (id !== null) h['x-github-delivery'] = id;
  if (body !== null)
    h['x-hub-signature-256'] = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return h;
}

const opened = JSON.stringify(
  inRepository(
    realPayload('pull_request', 'opened', (p) => !(p.pull_request as { draft: boolean }).draft),
    REPO,
  ),
);

function handlerWith(store: StateStore, metrics: MetricsRecorder) {
  return createWebhookHandler({
    secret: SECRET,
    store,
    appLogin: 'prenv[bot]',
    repository: REPO,
    logger: silentLogger,
    now: () => 1,
    onQueued: () => {},
    metrics,
  });
}

describe('each delivery is counted once, by event and result', () => {
  const cases: Array<[string, Record<string, string>, string, number, string]> = [
    ['no event or delivery header', headers(null, null, null), '{}', 400, 'unverified invalid'],
    ['no signature', headers('pull_request', 'a', null), opened, 401, 'unverified refused'],
    [
      'a wrong signature',
      headers('pull_request', 'b', opened, 'other'),
      opened,
      401,
      'unverified refused',
    ],
    ['a signed body that is not JSON', headers('ping', 'c', '{x'), '{x', 400, 'ping invalid'],
    ['an event prenv does not act on', headers('star', 'd', '{}'), '{}', 202, 'star ignored'],
    [
      'an event name that is not a plain name',
      headers('Star<script>', 'e', '{}'),
      '{}',
      202,
      'other ignored',
    ],
    [
      'a pull request opened',
      headers('pull_request', 'f', opened),
      opened,
      202,
      'pull_request accepted',
    ],
    [
      'the same delivery again',
      headers('pull_request', 'f', opened),
      opened,
      200,
      'pull_request duplicate',
    ],
  ];
  const store = openSqliteStore(path.join(mkdtempSync(path.join(tmpdir(), 'prenv-whm-')), 's.db'));
  const { metrics, counted } = recording();
  const handle = handlerWith(store, metrics);
  it.each(cases)('%s', async (_what, h, body, status, label) => {
    counted.length = 0;
    expect((await handle({ headers: h, body })).status).toBe(status);
    expect(counted).toEqual([label]);
  });

  it('counts a verified delivery the store could not queue as failed', async () => {
    const { metrics: m, counted: c } = recording();
    const broken = {
      enqueue: async () => {
        throw new Error('disk full');
      },
    } as unknown as StateStore;
    await expect(
      handlerWith(broken, m)({ headers: headers('pull_request', 'g', opened), body: opened }),
    ).rejects.toThrow('disk full');
    expect(c).toEqual(['pull_request failed']);
  });
});
