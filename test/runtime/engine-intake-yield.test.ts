import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../bot/core/events.js';
import { silentLogger } from '../../bot/core/logger.js';
import { planContext } from '../../bot/core/plan-context.js';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import { Engine } from '../../bot/runtime/engine.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryGitHub } from '../fakes/github/memory-github.js';
import { ScriptedOps } from '../fakes/ops/scripted-ops.js';
import { pull, until } from './harness.js';

const opened = (pr: number): DomainEvent => ({ kind: 'pr_opened', pull: pull(pr) });

/** A turn the test hands out: each `open()` lets exactly one waiting `yieldToIntake` return. */
function turns() {
  const waiting: (() => void)[] = [];
  let asked = 0;
  return {
    ask: () => {
      asked++;
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    open: () => waiting.shift()?.(),
    get asked() {
      return asked;
    },
    get waiting() {
      return waiting.length;
    },
  };
}

describe('engine: the webhook intake goes first', () => {
  it('waits for its turn before planning each delivery, and plans one per turn', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'prenv-yield-')), 'state.db');
    const store = openSqliteStore(file);
    const gate = turns();
    const engine = new Engine({
      store,
      github: new MemoryGitHub(),
      ops: new ScriptedOps(),
      logger: silentLogger,
      queueEditDebounceMs: 0,
      context: () =>
        planContext({ now: Date.now(), cap: 15, previewUrl: (pr) => `https://pr-${pr}.x` }),
      yieldToIntake: gate.ask,
    });
    for (const pr of [1, 2, 3])
      await store.enqueue({ id: `d${pr}`, name: 'pr_opened', payload: opened(pr), receivedAt: 0 });
    const drained = engine.drain();
    const pending = async () => (await store.pending(10)).map((d) => d.id);

    await until(() => gate.waiting === 1, 'the engine asks for its first turn');
    expect(await pending()).toEqual(['d1', 'd2', 'd3']);
    gate.open();
    await until(() => gate.waiting === 1 && gate.asked === 2, 'the engine asks for its next turn');
    // One turn, one delivery planned; the others wait for theirs.
    expect(await pending()).toEqual(['d2', 'd3']);
    gate.open();
    await until(() => gate.asked === 3 && gate.waiting === 1, 'the third turn is asked for');
    expect(await pending()).toEqual(['d3']);
    gate.open();
    await drained;
    expect(await pending()).toEqual([]);
    expect(gate.asked).toBe(3);
    await engine.stop();
    await store.close();
  });
});
