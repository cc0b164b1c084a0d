import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { PlanEvent } from '../../bot/core/actions.js';
import { emptyWorld, newEnv, type RunOwner, type World } from '../../bot/core/model.js';
import { heldByCommand } from '../../bot/runtime/run-holder.js';
import { pull } from './harness.js';
import { liveCommand, ownerHere } from './owners.js';

const HOUR = 3_600_000;
const BOUND = 6 * HOUR;

function worldWith(owner: RunOwner | undefined, run = true): World {
  const world = emptyWorld();
  const env = newEnv(pull(1), Date.now());
  env.phase = 'deploying';
  if (run)
    env.run = {
      id: 'pr-1/deploy/1',
      kind: 'deploy',
      sha: 'a',
      startedAt: 0,
      ...(owner ? { owner } : {}),
    };
  world.envs[1] = env;
  return world;
}

describe('heldByCommand: whether a PR event must wait for a prenv command’s run', () => {
  it('names a live command of this host or of another within the bound, and nothing else', async () => {
    const live = ownerHere((await liveCommand()).pid!);
    const dead: RunOwner = {
      host: hostname(),
      pid: spawnSync(process.execPath, ['-e', '0']).pid!,
      startedAt: Date.now(),
    };
    const far = (age: number): RunOwner => ({
      host: 'laptop-of-alice',
      pid: 4242,
      startedAt: Date.now() - age,
    });
    const push: PlanEvent = { kind: 'pr_updated', pull: pull(1, 'b') };
    const cases: Array<[string, World, PlanEvent, RunOwner | undefined, boolean]> = [
      ['a live command on this host', worldWith(live), push, undefined, true],
      ['a command on another host within the bound', worldWith(far(HOUR)), push, undefined, true],
      [
        'a command on another host past the bound',
        worldWith(far(7 * HOUR)),
        push,
        undefined,
        false,
      ],
      ['a dead command', worldWith(dead), push, undefined, false],
      ['the bot’s own run', worldWith(undefined), push, undefined, false],
      ['no run', worldWith(undefined, false), push, undefined, false],
      ['the command planning its own run', worldWith(live), push, live, false],
      [
        'a command on another PR',
        worldWith(live),
        { kind: 'pr_updated', pull: pull(2) },
        undefined,
        false,
      ],
      [
        'a finished run (matched by its id)',
        worldWith(live),
        { kind: 'run_finished', pr: 1, runId: 'x', outcome: 'succeeded' },
        undefined,
        false,
      ],
      ['a tick', worldWith(live), { kind: 'tick' }, undefined, false],
    ];
    for (const [name, world, event, self, held] of cases) {
      const holder = heldByCommand(world, event, Date.now(), BOUND, self);
      expect({ name, held: holder !== null }).toEqual({ name, held });
      if (holder)
        expect(holder).toEqual({ pr: 1, who: expect.stringContaining('prenv (pid') as unknown });
    }
  });
});
