import { describe, expect, it } from 'vitest';
import type { EnvRecord, Phase, World } from '../../bot/core/model.js';
import { emptyWorld, newEnv } from '../../bot/core/model.js';
import {
  assertCapHeld,
  CapExceededError,
  freeSlots,
  holdsSlot,
  queueOrder,
  queuePositions,
  startable,
} from '../../bot/core/slots.js';
import { pull, T0 } from './fixtures.js';

function env(pr: number, phase: Phase, seq = pr): EnvRecord {
  return { ...newEnv(pull(pr), T0), phase, ticket: { seq, enqueuedAt: T0 } };
}

function world(...envs: EnvRecord[]): World {
  return { ...emptyWorld(), envs: Object.fromEntries(envs.map((e) => [e.pr, e])) };
}

describe('slots', () => {
  it.each<[Phase, boolean]>([
    ['absent', false],
    ['queued', false],
    ['provisioning', true],
    ['deploying', true],
    ['live', true],
    ['redeploying', true],
    ['destroying', true],
    ['failed', true],
  ])('%s holds a slot: %s', (phase, holds) => {
    expect(holdsSlot(phase)).toBe(holds);
  });

  it('orders the queue by ticket, not by PR number', () => {
    const w = world(env(5, 'queued', 1), env(2, 'queued', 3), env(9, 'queued', 2), env(1, 'live'));
    expect(queueOrder(w).map((e) => e.pr)).toEqual([5, 9, 2]);
    expect([...queuePositions(w)]).toEqual([
      [5, 1],
      [9, 2],
      [2, 3],
    ]);
  });

  it('starts as many queued PRs as there are free slots, unless capacity is blocked', () => {
    const w = world(
      env(1, 'live'),
      env(2, 'destroying'),
      env(3, 'queued'),
      env(4, 'queued'),
      env(5, 'queued'),
    );
    expect(freeSlots(w, 4)).toBe(2);
    expect(startable(w, 4, T0)).toEqual([3, 4]);
    expect(startable(w, 2, T0)).toEqual([]);
    expect(startable({ ...w, capacityBlockedUntil: T0 + 1 }, 4, T0)).toEqual([]);
    expect(startable({ ...w, capacityBlockedUntil: T0 }, 4, T0)).toEqual([3, 4]);
  });

  it('assertCapHeld throws only beyond the cap', () => {
    const envs = [env(1, 'live'), env(2, 'failed'), env(3, 'queued')];
    expect(() => assertCapHeld(envs, 2)).not.toThrow();
    expect(() => assertCapHeld(envs, 1)).toThrow(CapExceededError);
    expect(() => assertCapHeld(envs, 1)).toThrow('2 environments hold a slot but the cap is 1');
  });
});
