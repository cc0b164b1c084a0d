import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../bot/core/logger.js';
import { emptyWorld, newEnv, type Phase, type World } from '../../bot/core/model.js';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import {
  recordingSlotSamples,
  slotSamplesKeepSince,
} from '../../bot/adapters/store/slot-recorder.js';

const tempFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'prenv-slots-')), 'state.db');

function worldWith(phases: Phase[]): World {
  const world = emptyWorld();
  phases.forEach((phase, i) => {
    const pr = i + 1;
    const env = newEnv(
      {
        number: pr,
        headSha: 'a'.repeat(40),
        headRef: `b${pr}`,
        baseRef: 'main',
        title: `PR ${pr}`,
        author: 'dev',
        draft: false,
        fork: false,
        state: 'open',
        merged: false,
      },
      0,
    );
    world.envs[pr] = { ...env, phase };
  });
  return world;
}

describe('recording slot samples on every save of the world', () => {
  it('records a change of the slots used or the cap, once, and survives a restart', async () => {
    const file = tempFile();
    let now = Date.UTC(2026, 10, 20, 12);
    const clock = () => now;
    const store = recordingSlotSamples(openSqliteStore(file), 3, silentLogger, {
      atFirstRead: true,
      clock,
    });
    // The first read records what the state holds (nothing used yet).
    let { version } = await store.loadWorld();
    now += 1_000;
    // Queued holds no slot: no change.
    expect(await store.saveWorld(worldWith(['queued']), version)).toBe(true);
    ({ version } = await store.loadWorld());
    now += 1_000;
    expect(await store.saveWorld(worldWith(['provisioning', 'queued']), version)).toBe(true);
    ({ version } = await store.loadWorld());
    now += 1_000;
    // A save that loses its check-and-set records nothing.
    expect(await store.saveWorld(worldWith(['live', 'live', 'live']), version - 1)).toBe(false);
    expect(await store.saveWorld(worldWith(['live', 'destroying']), version)).toBe(true);
    await store.close();

    const t0 = Date.UTC(2026, 10, 20, 12);
    const reopened = recordingSlotSamples(openSqliteStore(file), 3, silentLogger, {
      atFirstRead: true,
      clock,
    });
    now += 1_000;
    ({ version } = await reopened.loadWorld());
    now += 1_000;
    expect(await reopened.saveWorld(worldWith(['live', 'failed']), version)).toBe(true);
    await reopened.close();
    // A larger cap is a change too, at the first read after the start.
    const raised = recordingSlotSamples(openSqliteStore(file), 5, silentLogger, {
      atFirstRead: true,
      clock,
    });
    now += 1_000;
    await raised.loadWorld();
    await raised.close();
    const plain = openSqliteStore(file);
    expect(await plain.slotSamples(0)).toEqual([
      { at: t0, used: 0, cap: 3 },
      { at: t0 + 2_000, used: 1, cap: 3 },
      { at: t0 + 3_000, used: 2, cap: 3 },
      { at: t0 + 6_000, used: 2, cap: 5 },
    ]);
    await plain.close();
  });

  it('writes nothing for a command that only reads the state', async () => {
    const file = tempFile();
    const bot = openSqliteStore(file);
    const { version } = await bot.loadWorld();
    await bot.saveWorld(worldWith(['live']), version);
    await bot.close();
    const command = recordingSlotSamples(openSqliteStore(file), 3, silentLogger);
    await command.loadWorld();
    await command.loadWorld();
    await command.close();
    const plain = openSqliteStore(file);
    expect(await plain.slotSamples(0)).toEqual([]);
    await plain.close();
  });

  it.each([
    ['mid-month: the month start', Date.UTC(2026, 10, 20, 12), Date.UTC(2026, 10, 1)],
    ['early in the month: 8 days back', Date.UTC(2026, 10, 3, 12), Date.UTC(2026, 9, 26, 12)],
    [
      'on the first of March: 8 days back',
      Date.UTC(2026, 2, 1, 0, 30),
      Date.UTC(2026, 1, 21, 0, 30),
    ],
  ])('keeps samples %s', (_name, now, expected) => {
    expect(slotSamplesKeepSince(now)).toBe(expected);
  });
});
