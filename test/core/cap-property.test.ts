import { describe, expect, it } from 'vitest';
import type { Permission, PlanEvent } from '../../bot/core/actions.js';
import { COMMAND_NAMES } from '../../bot/core/commands.js';
import type { PullRequestRef, World } from '../../bot/core/model.js';
import { wants } from '../../bot/core/planner-converge.js';
import {
  assertCapHeld,
  freeSlots,
  isCapacityBlocked,
  queueOrder,
  slotsUsed,
} from '../../bot/core/slots.js';
import { command, ctx, pull, Sim, sha } from './fixtures.js';

/** mulberry32: a small seeded generator, so a failure replays exactly. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
  };
}

const PRS = 40;
const RUN_PHASES = new Set(['provisioning', 'deploying', 'redeploying', 'destroying']);

/** Throws on the first broken invariant, naming the PR. */
function checkInvariants(world: World, cap: number, now: number) {
  assertCapHeld(Object.values(world.envs), cap);
  if (!isCapacityBlocked(world, now) && freeSlots(world, cap) > 0 && queueOrder(world).length > 0)
    throw new Error(`PRs ${queueOrder(world).map((e) => e.pr)} are queued while a slot is free`);
  const c = ctx(now, { cap });
  for (const env of Object.values(world.envs)) {
    const problem =
      (env.run !== null) !== RUN_PHASES.has(env.phase)
        ? `run ${env.run?.id ?? 'none'} in phase ${env.phase}`
        : env.phase === 'queued' && (env.ticket === null || !wants(env, c))
          ? 'queued without a ticket or without wanting an env'
          : env.phase === 'live' && env.deployedSha === null
            ? 'live without a deployed SHA'
            : null;
    if (problem) throw new Error(`PR ${env.pr}: ${problem}`);
  }
}

function randomEvent(r: ReturnType<typeof rng>, sim: Sim, gh: PullRequestRef[]): PlanEvent {
  const roll = r.next();
  const withRuns = Object.values(sim.world.envs).filter((e) => e.run);
  if (roll < 0.4 && withRuns.length > 0) {
    const env = r.pick(withRuns);
    const o = r.next();
    const outcome =
      o < 0.75 ? 'succeeded' : o < 0.88 ? 'failed' : o < 0.95 ? 'at_capacity' : 'cancelled';
    const runId = r.next() < 0.05 ? `${env.run!.id}-stale` : env.run!.id;
    return { kind: 'run_finished', pr: env.pr, runId, outcome, error: 'boom' };
  }
  if (roll < 0.5) {
    sim.advance(r.int(15 * 60_000));
    return { kind: 'tick' };
  }
  const i = r.int(PRS);
  const p = gh[i]!;
  const a = r.next();
  if (p.state === 'closed') {
    gh[i] = { ...p, state: 'open', merged: false, draft: r.next() < 0.2 };
    return gh[i]!.draft
      ? { kind: 'ignored', reason: 'draft' }
      : { kind: 'pr_opened', pull: gh[i]! };
  }
  if (a < 0.3) {
    gh[i] = { ...p, headSha: sha(p.number, r.int(1_000_000)) };
    return p.draft ? { kind: 'ignored', reason: 'draft' } : { kind: 'pr_updated', pull: gh[i]! };
  }
  if (a < 0.45) {
    gh[i] = { ...p, state: 'closed', merged: r.next() < 0.5 };
    return { kind: 'pr_closed', pull: gh[i]! };
  }
  if (a < 0.55) {
    gh[i] = { ...p, draft: !p.draft };
    return gh[i]!.draft
      ? { kind: 'pr_drafted', pull: gh[i]! }
      : { kind: 'pr_opened', pull: gh[i]! };
  }
  const permission = r.pick<Permission>(['admin', 'write', 'write', 'read']);
  return command(p, r.pick(COMMAND_NAMES), permission);
}

/** After the random phase: every run succeeds and time moves on until nothing is in flight. */
function drain(sim: Sim) {
  for (let i = 0; i < 10_000; i++) {
    const env = Object.values(sim.world.envs).find((e) => e.run);
    if (env) sim.finish(env.pr);
    else {
      sim.advance(3_600_000);
      sim.apply({ kind: 'tick' });
      if (!Object.values(sim.world.envs).some((e) => e.run)) return;
    }
  }
  throw new Error('the world did not settle');
}

describe('slots under random event sequences', () => {
  it.each([
    [1, 15, 4000],
    [2, 15, 4000],
    [3, 3, 3000],
    [4, 1, 2000],
  ])(
    'seed %i, cap %i: the cap holds after each of %i events and no queued PR starves',
    (seed, cap, steps) => {
      const r = rng(seed);
      const sim = new Sim({ cap });
      const gh = Array.from({ length: PRS }, (_, i) => pull(i + 1, { fork: (i + 1) % 9 === 0 }));
      let maxUsed = 0;
      for (let step = 0; step < steps; step++) {
        sim.advance(r.int(1000));
        sim.apply(randomEvent(r, sim, gh));
        checkInvariants(sim.world, cap, sim.now);
        maxUsed = Math.max(maxUsed, slotsUsed(Object.values(sim.world.envs)));
      }
      expect(maxUsed).toBe(cap); // the sequence did reach the cap, so the check was meaningful

      drain(sim);
      checkInvariants(sim.world, cap, sim.now);
      const c = ctx(sim.now, { cap });
      for (const env of Object.values(sim.world.envs)) {
        if (!wants(env, c)) expect(env.phase, `unwanted PR ${env.pr}`).toBe('absent');
        else expect(['live', 'failed', 'queued'], `wanted PR ${env.pr}`).toContain(env.phase);
        if (env.phase === 'live') expect(env.deployedSha).toBe(env.desiredSha);
      }
      if (queueOrder(sim.world).length > 0)
        expect(slotsUsed(Object.values(sim.world.envs))).toBe(cap);
    },
  );
});
