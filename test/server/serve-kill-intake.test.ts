import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { inRepository, realPayload, signedDelivery } from '../support/webhook-examples.js';
import { startServe, WEBHOOK_SECRET, offlineBotEnv } from './serve-process.js';
import { repoRoot } from '../support/tools.js';

const DELIVERIES = 400;
const CONFIG = path.join(repoRoot, 'examples/aipacto/prenv.yml');
const CONCURRENCY = 25;

/**
 * Answers are given per committed group: a bot SIGKILLed right after its last answer must have
 * every delivery it answered "queued" in its state file (and nothing it did not answer).
 */
describe('prenv serve killed with -9 right after answering', () => {
  it('has every delivery it answered "queued" in the queue at the next start', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prenv-kill-intake-'));
    const state = path.join(dir, 'state.db');
    const unreachable = 'http://127.0.0.1:9';
    const serve = await startServe(CONFIG, {
      PRENV_GITHUB_TOKEN: 'ghp_kill_test',
      PRENV_GITHUB_API_URL: unreachable,
      ...offlineBotEnv(dir),
    });
    const payload = inRepository(realPayload('pull_request', 'opened'), 'aipacto/aipacto');
    const answered: string[] = [];
    let next = 0;
    const sender = async () => {
      while (next < DELIVERIES) {
        const id = `kill-${next++}`;
        const d = await signedDelivery('pull_request', payload, WEBHOOK_SECRET, id);
        const res = await fetch(`http://127.0.0.1:${serve.port}/webhooks/github`, {
          method: 'POST',
          headers: d.headers,
          body: d.body,
        });
        const body = (await res.json()) as { status: string };
        if (res.status === 202 && body.status === 'queued') answered.push(id);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, sender));
    serve.child.kill('SIGKILL');
    await serve.child;
    expect(answered).toHaveLength(DELIVERIES);

    const db = new Database(state, { readonly: true });
    const stored = new Set(
      (db.prepare('SELECT id FROM deliveries').all() as { id: string }[]).map((r) => r.id),
    );
    db.close();
    expect(answered.filter((id) => !stored.has(id))).toEqual([]);

    // And the next start reads that queue: a redelivery of any of them is a duplicate.
    const again = await startServe(CONFIG, {
      PRENV_GITHUB_TOKEN: 'ghp_kill_test',
      PRENV_GITHUB_API_URL: unreachable,
      PRENV_STATE: state,
      PRENV_RECONCILE: 'off',
      PRENV_TERRAFORM_BIN: 'false',
      PRENV_TERRAFORM_DIR: dir,
    });
    try {
      expect(await again.post('pull_request', payload, answered.at(-1)!)).toBe(200);
    } finally {
      again.child.kill('SIGKILL');
    }
  }, 90_000);
});
