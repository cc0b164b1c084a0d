import { mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inRepository, prCommentPayload, realPayload } from '../support/webhook-examples.js';
import { repoRoot } from '../support/tools.js';
import { startServe, until, offlineBotEnv } from './serve-process.js';

const CONFIG = path.join(repoRoot, 'examples/aipacto/prenv.yml');
const REPOSITORY = 'aipacto/aipacto';
/** Generous for a loaded machine; before, the bot stayed up for minutes (4 × 30 s timeouts). */
const EXIT_BOUND_MS = 10_000;

/** A "GitHub" that accepts connections and never answers a byte. */
let silent: Server;
let silentUrl: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  silent = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const address = silent.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  silentUrl = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

describe('prenv serve stopped while GitHub accepts connections and never answers', () => {
  it.each([
    {
      what: "a comment command waiting for GitHub's answer about its PR",
      event: 'issue_comment',
      payload: inRepository(prCommentPayload('/deploy'), REPOSITORY),
      // The command was never planned: the next start takes it up again.
      queuedAfter: true,
    },
    {
      what: "a run's PR comment and deployment status still to send",
      event: 'pull_request',
      payload: inRepository(realPayload('pull_request', 'opened'), REPOSITORY),
      queuedAfter: false,
    },
  ])(
    'exits within the grace period on SIGTERM: $what',
    async ({ event, payload, queuedAfter }) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'prenv-shutdown-'));
      const state = path.join(dir, 'state.db');
      const serve = await startServe(CONFIG, {
        PRENV_GITHUB_TOKEN: 'ghp_shutdown_test',
        PRENV_GITHUB_API_URL: silentUrl,
        ...offlineBotEnv(dir),
      });
      const before = sockets.length;
      expect(await serve.post(event, payload, `hung-${event}`)).toBe(202);
      // The bot is now waiting on a GitHub call that will never be answered.
      await until(() => sockets.length > before, 'a call to GitHub');

      const started = Date.now();
      // process.kill, not child.kill: execa's own kill sends SIGKILL 5 s later.
      process.kill(serve.child.pid!, 'SIGTERM');
      const hard = setTimeout(() => serve.child.kill('SIGKILL'), 60_000);
      const result = await serve.child;
      clearTimeout(hard);
      expect(Date.now() - started).toBeLessThan(EXIT_BOUND_MS);
      expect({ exitCode: result.exitCode, signal: result.signal }).toEqual({
        exitCode: 0,
        signal: undefined,
      });
      expect(serve.logs()).toContain('"msg":"shutting down"');

      const db = new Database(state, { readonly: true });
      const row = db
        .prepare('SELECT done, dead_at AS deadAt FROM deliveries WHERE id = ?')
        .get(`hung-${event}`) as { done: number; deadAt: number | null };
      db.close();
      expect(row).toEqual({ done: queuedAfter ? 0 : 1, deadAt: null });
    },
    120_000,
  );
});
