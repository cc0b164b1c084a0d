import { describe, expect, it } from 'vitest';
import type { LogFields, Logger } from '../../bot/core/logger.js';
import { parseCommand } from '../../bot/core/commands.js';
import { MemoryGitHub } from '../fakes/github/memory-github.js';
import { createHarness, pull, until } from './harness.js';

/** A GitHub whose permission lookup answers 403 for one user, every time. */
class ForbiddingGitHub extends MemoryGitHub {
  forbidden = new Set(['locked-out']);
  override async permissionOf(username: string) {
    if (this.forbidden.has(username))
      throw Object.assign(new Error('Resource not accessible by integration'), { status: 403 });
    return super.permissionOf(username);
  }
}

function recordingLogger(lines: { level: string; msg: string; fields?: LogFields }[]): Logger {
  const at =
    (level: string) =>
    (msg: string, fields?: LogFields): void => {
      lines.push({ level, msg, ...(fields ? { fields } : {}) });
    };
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}

const deployCommand = (pr: number, actor: string, commentId: number) => ({
  kind: 'comment_command' as const,
  pr,
  commentId,
  writtenAt: '2026-01-01T00:00:00Z',
  actor,
  command: parseCommand('/deploy')!,
});

describe('engine: a delivery that keeps failing never blocks the queue', () => {
  it('dead-letters it after its attempts, processes the 20 after it, logs it once, and replays it on retry', async () => {
    const github = new ForbiddingGitHub();
    github.pulls.set(1, { ...pull(1), state: 'open', merged: false });
    const lines: { level: string; msg: string; fields?: LogFields }[] = [];
    const h = createHarness({ cap: 25, github, logger: recordingLogger(lines) });

    await h.deliver('bad', deployCommand(1, 'locked-out', 77));
    for (let pr = 2; pr <= 21; pr++)
      await h.deliver(`open-${pr}`, { kind: 'pr_opened', pull: pull(pr) });
    await h.engine.drain();

    await until(async () => (await h.store.deadLetters()).length === 1, 'a dead letter');
    await h.engine.idle();
    const world = await h.world();
    for (let pr = 2; pr <= 21; pr++) expect(world.envs[pr]?.phase, `pr ${pr}`).toBe('live');
    expect(await h.store.pending()).toEqual([]);

    const [dead] = await h.store.deadLetters();
    expect(dead).toMatchObject({ id: 'bad', attempts: 3, name: 'comment_command' });
    expect(dead!.lastError).toMatch(/not accessible/);
    const deadLogs = lines.filter((l) => l.level === 'error' && /dead-lettered/.test(l.msg));
    expect(deadLogs).toHaveLength(1);
    expect(deadLogs[0]!.msg).toContain('prenv retry bad');
    expect(lines.filter((l) => l.level === 'warn' && /tried again/.test(l.msg))).toHaveLength(2);

    // The permission is fixed; the replayed delivery now goes through.
    github.forbidden.clear();
    github.permissions.set('locked-out', 'write');
    expect(await h.store.retry('bad')).toBe('requeued');
    expect(await h.store.retry('bad')).toBe('not_dead');
    expect(await h.store.retry('nope')).toBe('unknown');
    await h.engine.idle();
    expect(await h.store.deadLetters()).toEqual([]);
    expect(github.reactions).toContainEqual({ commentId: 77, content: 'eyes' });
    expect((await h.world()).envs[1]?.phase).toBe('live');
    await h.engine.stop();
  });

  it('retries with backoff: a failure that clears up in time is processed, not dead-lettered', async () => {
    const github = new ForbiddingGitHub();
    github.pulls.set(1, { ...pull(1), state: 'open', merged: false });
    github.permissions.set('locked-out', 'write');
    // Retries 50 ms apart, 20 of them: the test clears the failure well before the last.
    const h = createHarness({ github, deliveryRetry: { baseMs: 50, maxMs: 50, maxAttempts: 20 } });
    await h.deliver('flaky', deployCommand(1, 'locked-out', 5));
    await h.engine.drain();
    const [waiting] = await h.store.pending();
    expect(waiting).toMatchObject({
      id: 'flaky',
      lastError: expect.stringMatching(/not accessible/),
    });
    expect(waiting!.attempts).toBeGreaterThanOrEqual(1);
    github.forbidden.clear();
    await until(async () => (await h.store.pending()).length === 0, 'the retry');
    await h.engine.idle();
    expect(await h.store.deadLetters()).toEqual([]);
    expect((await h.world()).envs[1]?.phase).toBe('live');
    await h.engine.stop();
  });
});
