import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { RunOwner } from '../../bot/core/model.js';
import { MemoryGitHub } from '../fakes/github/memory-github.js';
import { createHarness, pull, until } from './harness.js';
import { liveCommand, ownerHere as here, recordingLogger, type LogLine } from './owners.js';

const HOUR = 3_600_000;

describe('the bot at start: runs in flight of prenv commands', () => {
  it('leaves those of a live command on this host, resumes the bot’s and those whose command is gone', async () => {
    const github = new MemoryGitHub();
    const first = createHarness({ github });
    first.ops.hold('provision');
    for (const pr of [1, 2, 3, 4, 5, 6])
      await first.deliver(`open-${pr}`, { kind: 'pr_opened', pull: pull(pr, `abc${pr}def`) });
    await first.engine.drain();
    await until(() => first.ops.running('provision').length === 6, 'six runs are in flight');
    await first.engine.stop();

    const live = (await liveCommand()).pid!;
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const reused = here(live);
    const owners: Record<number, RunOwner | undefined> = {
      1: here(live),
      2: { host: hostname(), pid: dead, startedAt: Date.now() },
      3: undefined, // the bot's own run
      4: { ...reused, start: String(Number(reused.start) + 1) }, // the pid went to a later process
      5: { host: 'laptop-of-alice', pid: 4242, startedAt: Date.now() - HOUR },
      6: { host: 'laptop-of-alice', pid: 4242, startedAt: Date.now() - 7 * HOUR },
    };
    const saved = await first.store.loadWorld();
    for (const [pr, owner] of Object.entries(owners))
      if (owner) saved.world.envs[Number(pr)]!.run!.owner = owner;
    expect(await first.store.saveWorld(saved.world, saved.version)).toBe(true);

    const lines: LogLine[] = [];
    const second = createHarness({ github, file: first.file, logger: recordingLogger(lines) });
    await second.engine.start();
    await second.engine.idle();

    const resumed = new Set(second.ops.calls.filter((c) => c.op === 'provision').map((c) => c.pr));
    expect([...resumed].sort()).toEqual([2, 3, 4, 6]);
    const world = await second.world();
    for (const pr of [2, 3, 4, 6]) expect(world.envs[pr]?.phase).toBe('live');
    // Left to their commands, untouched: still provisioning under the same owner.
    for (const pr of [1, 5]) {
      expect(world.envs[pr]?.phase).toBe('provisioning');
      expect(world.envs[pr]?.run?.owner).toEqual(owners[pr]);
    }

    const left = lines.filter((l) => l.msg.startsWith('leaving a run'));
    expect(left.map((l) => l.fields.pr).sort()).toEqual([1, 5]);
    expect(left.find((l) => l.fields.pr === 1)?.fields.holder).toContain(
      `prenv (pid ${live} on ${hostname()}`,
    );
    const adopted = lines.filter((l) => l.msg.startsWith('taking over a run'));
    expect(adopted.map((l) => [l.fields.pr, l.fields.why])).toEqual([
      [2, expect.stringContaining(`pid ${dead}`) as unknown],
      [4, expect.stringContaining('is no longer running') as unknown],
      [6, expect.stringContaining('more than 360 min ago') as unknown],
    ]);
    await second.engine.stop();
  });

  it('saves a run it takes over as its own, so a later prenv command sees the bot hold it', async () => {
    const first = createHarness();
    first.ops.hold('provision');
    await first.deliver('open', { kind: 'pr_opened', pull: pull(1, 'abc1def') });
    await first.engine.drain();
    await until(() => first.ops.running('provision').length === 1, 'the run is in flight');
    await first.engine.stop();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const saved = await first.store.loadWorld();
    saved.world.envs[1]!.run!.owner = { host: hostname(), pid: dead, startedAt: Date.now() };
    expect(await first.store.saveWorld(saved.world, saved.version)).toBe(true);

    const second = createHarness({ file: first.file });
    second.ops.hold('provision');
    await second.engine.start();
    await until(() => second.ops.running('provision').length === 1, 'the run resumed');
    const during = (await second.world()).envs[1]?.run;
    expect(during?.id).toBe(saved.world.envs[1]!.run!.id);
    expect(during?.owner).toBeUndefined();
    second.ops.release('provision');
    await second.engine.idle();
    await second.engine.stop();
  });
});
