import type { Action, CommandEvent, Permission, PlanEvent } from '../../bot/core/actions.js';
import type { ParsedCommand } from '../../bot/core/commands.js';
import type { PullRequestRef, World } from '../../bot/core/model.js';
import { emptyWorld } from '../../bot/core/model.js';
import type { PlanContext } from '../../bot/core/plan-context.js';
import { planContext } from '../../bot/core/plan-context.js';
import { plan } from '../../bot/core/planner.js';

export const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);

export function pull(number: number, overrides: Partial<PullRequestRef> = {}): PullRequestRef {
  return {
    number,
    headSha: sha(number, 0),
    headRef: `feature/${number}`,
    baseRef: 'main',
    title: `Change ${number}`,
    author: 'octocat',
    draft: false,
    fork: false,
    state: 'open',
    merged: false,
    ...overrides,
  };
}

/** A distinct, valid-looking 40-hex SHA for PR `pr`, push `n`; short SHAs differ too. */
export function sha(pr: number, n: number): string {
  return `${pr.toString(16).padStart(3, '0')}${n.toString(16).padStart(4, '0')}`.padEnd(40, 'a');
}

export function ctx(now = T0, overrides: Partial<PlanContext> = {}): PlanContext {
  return planContext({ now, previewUrl: (pr) => `https://pr-${pr}.pr.example.com`, ...overrides });
}

export function command(
  p: PullRequestRef,
  name: ParsedCommand | string,
  permission: Permission = 'write',
  actor = 'maintainer',
): CommandEvent {
  const parsed: ParsedCommand =
    typeof name === 'string' ? { kind: 'command', name: name as never, line: 1 } : name;
  return {
    kind: 'command',
    pull: p,
    commentId: 900 + p.number,
    writtenAt: null,
    actor,
    permission,
    command: parsed,
  };
}

/** Applies events one after another, keeping the world, the clock and every action. */
export class Sim {
  world: World = emptyWorld();
  now = T0;
  log: Action[] = [];
  last: Action[] = [];

  constructor(private readonly overrides: Partial<PlanContext> = {}) {}

  get context(): PlanContext {
    return ctx(this.now, this.overrides);
  }

  apply(event: PlanEvent): Action[] {
    const result = plan(this.world, event, this.context);
    this.world = result.world;
    this.last = result.actions;
    this.log.push(...result.actions);
    return result.actions;
  }

  env(pr: number) {
    const env = this.world.envs[pr];
    if (!env) throw new Error(`no env for PR ${pr}`);
    return env;
  }

  /** Reports the outcome of PR `pr`'s current run. */
  finish(
    pr: number,
    outcome: 'succeeded' | 'failed' | 'at_capacity' = 'succeeded',
    error?: string,
  ) {
    const run = this.env(pr).run;
    if (!run) throw new Error(`PR ${pr} has no run in flight`);
    return this.apply({ kind: 'run_finished', pr, runId: run.id, outcome, error });
  }

  /** Opens PR `pr` and drives it to live. */
  live(pr: number, p = pull(pr)) {
    this.apply({ kind: 'pr_opened', pull: p });
    this.finish(pr);
    this.finish(pr);
    if (this.env(pr).phase !== 'live') throw new Error(`PR ${pr} is ${this.env(pr).phase}`);
  }

  advance(ms: number) {
    this.now += ms;
  }
}

export function kinds(actions: readonly Action[]): string[] {
  return actions.map((a) => a.kind);
}

export function only<K extends Action['kind']>(actions: readonly Action[], kind: K) {
  return actions.filter((a): a is Extract<Action, { kind: K }> => a.kind === kind);
}
