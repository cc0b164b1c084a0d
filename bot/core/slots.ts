import type { EnvRecord, Phase, World } from './model.js';

export const DEFAULT_CAP = 15;

const SLOT_PHASES: ReadonlySet<Phase> = new Set([
  'provisioning',
  'deploying',
  'live',
  'redeploying',
  'destroying',
  'failed',
]);

/** A slot is held from `provisioning` to the end of `destroying`, and while `failed`. */
export function holdsSlot(phase: Phase): boolean {
  return SLOT_PHASES.has(phase);
}

export function slotsUsed(envs: Iterable<EnvRecord>): number {
  let used = 0;
  for (const env of envs) if (holdsSlot(env.phase)) used++;
  return used;
}

export function freeSlots(world: World, cap: number): number {
  return Math.max(0, cap - slotsUsed(Object.values(world.envs)));
}

/** Queued envs in FIFO order (queue ticket, then PR number). */
export function queueOrder(world: World): EnvRecord[] {
  return Object.values(world.envs)
    .filter((env) => env.phase === 'queued')
    .sort((a, b) => (a.ticket?.seq ?? 0) - (b.ticket?.seq ?? 0) || a.pr - b.pr);
}

/** 1-based queue positions of all queued PRs. */
export function queuePositions(world: World): Map<number, number> {
  return new Map(queueOrder(world).map((env, i) => [env.pr, i + 1]));
}

export function isCapacityBlocked(world: World, now: number): boolean {
  return world.capacityBlockedUntil !== null && now < world.capacityBlockedUntil;
}

/** The queued PRs that may start now, in order: as many as there are free slots; `held` wait. */
export function startable(
  world: World,
  cap: number,
  now: number,
  held: ReadonlySet<number> = new Set(),
): number[] {
  if (isCapacityBlocked(world, now)) return [];
  return queueOrder(world)
    .filter((env) => !held.has(env.pr))
    .slice(0, freeSlots(world, cap))
    .map((env) => env.pr);
}

export class CapExceededError extends Error {
  constructor(
    readonly used: number,
    readonly cap: number,
  ) {
    super(`${used} environments hold a slot but the cap is ${cap}`);
    this.name = 'CapExceededError';
  }
}

/** Throws when more envs hold a slot than the cap allows (a bug, never an expected outcome). */
export function assertCapHeld(envs: Iterable<EnvRecord>, cap: number): void {
  const used = slotsUsed(envs);
  if (used > cap) throw new CapExceededError(used, cap);
}
