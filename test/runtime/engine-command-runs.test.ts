import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { CommandEvent, PlanEvent } from '../../bot/core/actions.js';
import type { DomainEvent } from '../../bot/core/events.js';
import type { PullRequestRef } from '../../bot/core/model.js';
import { createHarness, pull, until, type Harness } from './harness.js';
import { liveCommand, ownerHere, recordingLogger, type LogLine } from './owners.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

function command(name: 'deploy' | 'redeploy' | 'destroy', of: PullRequestRef): CommandEvent {
  return {
    kind: 'command',
    commentId: null,
    writtenAt: null,
    actor: 'maintainer',
    permission: 'admin',
    command: { kind: 'command', name, line: 1 },
    pull: of,
  };
}

/**
 * The bot (logging into `lines`) and a `prenv deploy pr 1` played by a second engine on the same
 * state, whose runs record a live child process as their owner; the command's deploy of A is
 * held in flight. `order`: whether the command started its run before the bot or while it runs.
 */
async function botBesideCommand(order: 'before the bot' | 'while the bot runs') {
  const lines: LogLine[] = [];
  const bot = createHarness({ logger: recordingLogger(lines) });
  const child = await liveCommand();
  const cli = createHarness({ file: bot.file, runner: ownerHere(child.pid!) });
  cli.ops.hold('deploy');
  if (order === 'while the bot runs') await bot.engine.start();
  await cli.engine.handle(command('deploy', pull(1, A)));
  await until(() => cli.ops.running('deploy').length === 1, 'the command deploys A');
  if (order === 'before the bot') await bot.engine.start();
  // The command's server, which the bot's own runs find when they deploy there later.
  bot.ops.servers.add(1);
  const run = (await bot.world()).envs[1]!.run!;
  expect(run.owner?.pid).toBe(child.pid);
  return { bot, cli, child, lines, run };
}

async function pendingIds(h: Harness): Promise<string[]> {
  return (await h.store.pending()).map((d) => d.id);
}

const ORDERS = ['before the bot', 'while the bot runs'] as const;

/** What reaches the bot about PR 1 while the command deploys, and what it must do afterwards. */
const ARRIVALS: Array<{
  name: string;
  delivery?: DomainEvent;
  /** An event handed to the engine directly, as the reconciler does. */
  handed?: PlanEvent;
  after: (h: Harness) => Promise<void>;
}> = [
  {
    name: 'a push (webhook)',
    delivery: { kind: 'pr_updated', pull: pull(1, B) },
    after: async (h) => {
      expect(h.ops.calls.map((c) => [c.op, c.sha])).toEqual([['deploy', B]]);
      expect((await h.world()).envs[1]).toMatchObject({ phase: 'live', deployedSha: B });
    },
  },
  {
    name: 'a close (webhook)',
    delivery: { kind: 'pr_closed', pull: pull(1, A, { state: 'closed' }) },
    after: async (h) => {
      expect(h.ops.calls.map((c) => c.op)).toEqual(['destroy']);
      expect((await h.world()).envs[1]?.phase).toBe('absent');
    },
  },
  {
    name: 'a /redeploy handed by the reconciler',
    handed: command('redeploy', pull(1, A)),
    after: async (h) => {
      expect(h.ops.calls.map((c) => [c.op, c.sha])).toEqual([['deploy', A]]);
      expect((await h.world()).envs[1]).toMatchObject({ phase: 'live', deployedSha: A });
    },
  },
];

describe('the bot beside a live prenv command holding a PR run', () => {
  for (const order of ORDERS)
    for (const arrival of ARRIVALS)
      it(`keeps ${arrival.name} waiting until the command's run ends (run started ${order})`, async () => {
        const { bot, cli, lines, run } = await botBesideCommand(order);
        if (arrival.delivery) await bot.deliver('event', arrival.delivery);
        if (arrival.handed) await bot.engine.handle(arrival.handed);
        await bot.engine.idle();
        await bot.engine.tick();
        await bot.engine.idle();

        // One run on the PR: the command's, untouched; the delivery still queued.
        expect(bot.ops.calls).toEqual([]);
        expect((await bot.world()).envs[1]?.run).toEqual(run);
        if (arrival.delivery) expect(await pendingIds(bot)).toEqual(['event']);

        // The command ends its run and saves how it ended; its process still runs.
        cli.ops.release('deploy');
        await until(async () => (await bot.world()).envs[1]?.phase === 'live', 'A is live');
        expect((await bot.world()).envs[1]?.run).toBeNull();
        await cli.engine.stop();

        await bot.engine.tick();
        await bot.engine.idle();
        await arrival.after(bot);
        expect(await pendingIds(bot)).toEqual([]);
        expect(lines.some((l) => l.msg.startsWith('taking over'))).toBe(false);
        await bot.engine.stop();
      });
});

describe('the bot’s tick and a prenv command that died after the bot started', () => {
  for (const order of ORDERS)
    for (const waiting of [false, true])
      it(`takes its run over and resumes it${waiting ? ', then plans the push that waited' : ''} (run started ${order})`, async () => {
        const { bot, cli, child, lines, run } = await botBesideCommand(order);
        if (waiting) await bot.deliver('push', { kind: 'pr_updated', pull: pull(1, B) });
        await bot.engine.tick();
        await bot.engine.idle();
        expect(bot.ops.calls).toEqual([]);

        // The command dies with its deploy in flight (its engine stops without recording it).
        await cli.engine.stop();
        child.kill('SIGKILL');
        await once(child, 'exit');
        expect((await bot.world()).envs[1]?.run).toEqual(run);

        await bot.engine.tick();
        await bot.engine.idle();
        const takeovers = lines.filter(
          (l) => l.msg === 'taking over a run whose prenv command is gone',
        );
        expect(takeovers.map((l) => [l.fields.pr, l.fields.run])).toEqual([[1, run.id]]);
        expect(String(takeovers[0]!.fields.why)).toContain('is no longer running');
        const deploys = bot.ops.calls.map((c) => [c.op, c.sha, c.outcome]);
        // The push supersedes the resumed deploy of A (the bot's rule for any deploy in flight).
        expect(deploys.at(-1)).toEqual(['deploy', waiting ? B : A, 'done']);
        if (!waiting) expect(deploys).toEqual([['deploy', A, 'done']]);
        const env = (await bot.world()).envs[1]!;
        expect(env).toMatchObject({ phase: 'live', deployedSha: waiting ? B : A, run: null });
        expect(await pendingIds(bot)).toEqual([]);
        await bot.engine.stop();
      });
});
