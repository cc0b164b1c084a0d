import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import { silentLogger } from '../../bot/core/logger.js';
import { startDeliveryPruning } from '../../bot/server/delivery-retention.js';
import { readRuntimeSettings } from '../../bot/wiring/settings.js';
import { createWebhookHandler } from '../../bot/server/webhook-handler.js';
import { inRepository, realPayload, signedDelivery } from '../support/webhook-examples.js';

const DAY = 86_400_000;
const RETENTION = 7 * DAY;
const NOW = 100 * DAY;
const SECRET = 'retention-test-secret';
const REPOSITORY = 'aipacto/aipacto';

const tempFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'prenv-retention-')), 'state.db');

/** One prune pass at `NOW`; resolves once the store answered. */
async function pruneOnce(store: ReturnType<typeof openSqliteStore>): Promise<void> {
  let done!: () => void;
  const pruned = new Promise<void>((resolve) => (done = resolve));
  const stop = startDeliveryPruning({
    store: { prune: (before) => store.prune(before).finally(done) },
    retentionMs: RETENTION,
    logger: silentLogger,
    now: () => NOW,
  });
  await pruned;
  stop();
}

describe('delivery retention', () => {
  it('prunes only processed deliveries received before the retention', async () => {
    const store = openSqliteStore(tempFile());
    const cases: [string, number, 'done' | 'pending' | 'dead', boolean][] = [
      ['done long ago', NOW - RETENTION - 1, 'done', false],
      ['done just within', NOW - RETENTION + 1, 'done', true],
      ['done today', NOW - 1_000, 'done', true],
      ['pending long ago', NOW - 30 * DAY, 'pending', true],
      ['dead letter long ago', NOW - 30 * DAY, 'dead', true],
    ];
    for (const [id, receivedAt, state] of cases) {
      await store.enqueue({ id, name: 'pr_opened', payload: { kind: 'ignored' }, receivedAt });
      if (state === 'done') await store.complete(id);
      if (state === 'dead') await store.fail(id, 'boom', null, receivedAt);
    }
    await pruneOnce(store);
    const kept = new Set([
      ...(await store.pending(100)).map((d) => d.id),
      ...(await store.deadLetters(100)).map((d) => d.id),
    ]);
    for (const [id, , state, keep] of cases) {
      // A processed delivery is still known when its redelivery is refused as a duplicate.
      const known =
        state === 'done'
          ? (await store.enqueue({ id, name: 'x', payload: null, receivedAt: NOW })) === 'duplicate'
          : kept.has(id);
      expect([id, known]).toEqual([id, keep]);
    }
    await store.close();
  });

  it('answers a redelivery within the retention "duplicate" after the prune, and queues nothing', async () => {
    const store = openSqliteStore(tempFile());
    let clock = NOW - 3 * DAY;
    const handle = createWebhookHandler({
      secret: SECRET,
      store,
      appLogin: 'prenv[bot]',
      repository: REPOSITORY,
      logger: silentLogger,
      now: () => clock,
      onQueued: () => {},
    });
    const payload = inRepository(realPayload('pull_request', 'opened'), REPOSITORY);
    const delivery = await signedDelivery('pull_request', payload, SECRET, 'redelivered-1');
    expect((await handle(delivery)).body.status).toBe('queued');
    await store.complete('redelivered-1');
    clock = NOW;
    await pruneOnce(store);
    expect(await handle(delivery)).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    expect(await store.pending(10)).toEqual([]);
    await store.close();
  });

  it.each<[string | undefined, number | RegExp]>([
    [undefined, 7 * DAY],
    ['3d', 3 * DAY],
    ['96h', 96 * 3_600_000],
    ['30d', 30 * DAY],
    ['1d', /GitHub redelivers deliveries of the past 3 days/],
    ['71h', /set 3d or more/],
    ['a week', /must be a duration such as 7d/],
    ['7', /must be a duration/],
  ])('PRENV_DELIVERY_RETENTION=%s', (value, expected) => {
    const result = readRuntimeSettings(
      value === undefined ? {} : { PRENV_DELIVERY_RETENTION: value },
    );
    if (typeof expected === 'number') {
      expect(result.ok && result.settings.deliveryRetentionMs).toBe(expected);
    } else {
      expect(result.ok).toBe(false);
      expect(!result.ok && result.errors.join('\n')).toMatch(expected);
    }
  });
});
