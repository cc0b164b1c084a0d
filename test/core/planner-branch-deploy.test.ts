import { describe, expect, it } from 'vitest';
import type { Action, PlanEvent } from '../../bot/core/actions.js';
import type { ClusterEnvironment } from '../../bot/core/model.js';
import type { DeployOnPush } from '../../bot/core/plan-context.js';
import { pull, Sim, T0 } from './fixtures.js';

const DEPLOY_ON_PUSH: DeployOnPush = {
  production: null,
  staging: 'staging',
  checks: null,
  checksTimeoutMs: 30 * 60_000,
  checkEveryMs: 30_000,
  url: (env) =>
    env === 'production' ? 'https://shop.example.com' : 'https://staging.shop.example.com',
};

/** A commit pushed to a branch: `c(1)`, `c(2)`… are distinct 40-hex SHAs. */
const c = (n: number) => `${n.toString(16).padStart(4, '0')}c0ffee`.padEnd(40, 'a');

const push = (branch: string, sha: string, defaultBranch = 'main'): PlanEvent => ({
  kind: 'branch_pushed',
  branch,
  sha,
  defaultBranch,
});
const checks = (
  environment: ClusterEnvironment,
  sha: string,
  verdict: 'pending' | 'success' | 'failure',
  detail = verdict === 'failure' ? 'failed: build' : `${verdict}: build`,
): PlanEvent => ({ kind: 'checks_reported', environment, sha, verdict, detail });
const finished = (
  environment: ClusterEnvironment,
  runId: string,
  outcome: 'succeeded' | 'failed' = 'succeeded',
): PlanEvent => ({
  kind: 'environment_run_finished',
  environment,
  runId,
  outcome,
  ...(outcome === 'failed' ? { error: 'the Nomad deployment of shop-production failed' } : {}),
});

/** The actions in a compact form: `check production c1`, `deploy production c1`, `production c1 queued`. */
function brief(actions: Action[]): string[] {
  return actions.map((a) => {
    const sha = 'sha' in a && a.sha ? a.sha.slice(0, 8) : '';
    switch (a.kind) {
      case 'check_commit':
        return `check ${a.environment} ${sha}`;
      case 'deploy_environment':
        return `deploy ${a.environment} ${sha}`;
      case 'mark_deployment':
        return `${a.environment} ${sha} ${a.state}`;
      default:
        return a.kind;
    }
  });
}

const s = (n: number) => c(n).slice(0, 8);

function sim(overrides: Partial<DeployOnPush> = {}): Sim {
  return new Sim({ deployOnPush: { ...DEPLOY_ON_PUSH, ...overrides } });
}

describe('deploy on push: which push deploys what', () => {
  it.each([
    ['main', 'main', {}, 'production'],
    ['trunk', 'trunk', {}, 'production'],
    ['main', 'trunk', {}, null],
    ['staging', 'main', {}, 'staging'],
    ['release', 'main', { production: 'release' }, 'production'],
    ['main', 'main', { production: 'release' }, null],
    ['main', 'main', { production: false }, null],
    ['staging', 'main', { staging: false }, null],
    ['qa', 'main', { staging: 'qa' }, 'staging'],
    ['feature/x', 'main', {}, null],
    ['main-old', 'main', {}, null],
    ['Main', 'main', {}, null],
  ] as const)(
    'a push to %s (default branch %s, config %j) deploys %s',
    (branch, defaultBranch, config, expected) => {
      const run = sim(config);
      const actions = brief(run.apply(push(branch, c(1), defaultBranch)));
      if (expected === null) {
        expect(actions).toEqual([]);
        expect(run.world.deploys).toBeUndefined();
      } else {
        expect(actions).toEqual([`${expected} ${s(1)} queued`, `check ${expected} ${s(1)}`]);
        expect(run.world.deploys?.[expected]?.next?.sha).toBe(c(1));
      }
    },
  );

  it('changes nothing when the bot is not configured for it', () => {
    const run = new Sim();
    expect(run.apply(push('main', c(1)))).toEqual([]);
    expect(run.world.deploys).toBeUndefined();
  });

  it('takes no PR slot: a full cap of previews does not hold production back', () => {
    const run = sim();
    run.apply({ kind: 'pr_opened', pull: pull(1) });
    expect(run.world.envs[1]!.phase).toBe('provisioning');
    const capped = new Sim({ cap: 1, deployOnPush: DEPLOY_ON_PUSH });
    capped.apply({ kind: 'pr_opened', pull: pull(1) });
    capped.apply(push('main', c(1)));
    expect(brief(capped.apply(checks('production', c(1), 'success')))).toEqual([
      `deploy production ${s(1)}`,
      `production ${s(1)} in_progress`,
    ]);
    expect(capped.world.envs[1]!.phase).toBe('provisioning');
  });
});

describe('deploy on push: checks before deploying', () => {
  type Step = [event: PlanEvent, expected: string[]];
  const cases: [string, Step[]][] = [
    [
      'pending then success: deploys once the checks pass, then reports success with the URL',
      [
        [push('main', c(1)), [`production ${s(1)} queued`, `check production ${s(1)}`]],
        [checks('production', c(1), 'pending'), []],
        [{ kind: 'checks_changed', sha: c(1) }, [`check production ${s(1)}`]],
        [
          checks('production', c(1), 'success'),
          [`deploy production ${s(1)}`, `production ${s(1)} in_progress`],
        ],
        [finished('production', 'production/deploy/1'), [`production ${s(1)} success`]],
      ],
    ],
    [
      'failed checks: never deployed, reported failed',
      [
        [push('main', c(1)), [`production ${s(1)} queued`, `check production ${s(1)}`]],
        [checks('production', c(1), 'failure'), [`production ${s(1)} failure`]],
        [checks('production', c(1), 'success'), []],
      ],
    ],
    [
      'checks of another commit, or for the other environment, change nothing',
      [
        [push('staging', c(1)), [`staging ${s(1)} queued`, `check staging ${s(1)}`]],
        [checks('staging', c(2), 'success'), []],
        [checks('production', c(1), 'success'), []],
        [{ kind: 'checks_changed', sha: c(2) }, []],
      ],
    ],
    [
      'a newer push supersedes a commit waiting for its checks',
      [
        [push('main', c(1)), [`production ${s(1)} queued`, `check production ${s(1)}`]],
        [push('main', c(2)), [`production ${s(2)} queued`, `check production ${s(2)}`]],
        [checks('production', c(1), 'success'), []],
        [
          checks('production', c(2), 'success'),
          [`deploy production ${s(2)}`, `production ${s(2)} in_progress`],
        ],
      ],
    ],
    [
      'a redelivered push changes nothing',
      [
        [push('main', c(1)), [`production ${s(1)} queued`, `check production ${s(1)}`]],
        [push('main', c(1)), []],
      ],
    ],
    [
      'a failed deploy is reported with its error and not retried',
      [
        [push('main', c(1)), [`production ${s(1)} queued`, `check production ${s(1)}`]],
        [
          checks('production', c(1), 'success'),
          [`deploy production ${s(1)}`, `production ${s(1)} in_progress`],
        ],
        [finished('production', 'production/deploy/1', 'failed'), [`production ${s(1)} failure`]],
        [{ kind: 'tick' }, []],
      ],
    ],
    [
      'production and staging deploy side by side',
      [
        [push('main', c(1)), [`production ${s(1)} queued`, `check production ${s(1)}`]],
        [push('staging', c(2)), [`staging ${s(2)} queued`, `check staging ${s(2)}`]],
        [
          checks('production', c(1), 'success'),
          [`deploy production ${s(1)}`, `production ${s(1)} in_progress`],
        ],
        [
          checks('staging', c(2), 'success'),
          [`deploy staging ${s(2)}`, `staging ${s(2)} in_progress`],
        ],
      ],
    ],
  ];

  it.each(cases)('%s', (_name, steps) => {
    const run = sim();
    for (const [i, [event, expected]] of steps.entries()) {
      expect(brief(run.apply(event)), `step ${i + 1}: ${event.kind}`).toEqual(expected);
    }
  });

  it('a success carries the environment URL; the failure says which checks failed', () => {
    const run = sim();
    run.apply(push('main', c(1)));
    run.apply(checks('production', c(1), 'success'));
    const [done] = run.apply(finished('production', 'production/deploy/1'));
    expect(done).toMatchObject({ state: 'success', url: 'https://shop.example.com', pr: null });
    run.apply(push('main', c(2)));
    const [failed] = run.apply(checks('production', c(2), 'failure', 'failed: test'));
    expect(failed).toMatchObject({ state: 'failure', url: null });
    expect((failed as { description: string }).description).toContain('failed: test');
    expect(run.world.deploys?.production).toMatchObject({ deployedSha: c(1), next: null });
  });
});

describe('deploy on push: checks that never finish', () => {
  it('asks again on ticks no more often than checkEveryMs, then fails at the timeout', () => {
    const run = sim({ checksTimeoutMs: 10 * 60_000, checkEveryMs: 60_000 });
    run.apply(push('main', c(1)));
    run.apply(checks('production', c(1), 'pending', 'waiting for build'));
    run.now = T0 + 30_000;
    expect(brief(run.apply({ kind: 'tick' }))).toEqual([]);
    run.now = T0 + 60_000;
    expect(brief(run.apply({ kind: 'tick' }))).toEqual([`check production ${s(1)}`]);
    run.now = T0 + 10 * 60_000;
    const actions = run.apply({ kind: 'tick' });
    expect(brief(actions)).toEqual([`production ${s(1)} failure`]);
    expect((actions[0] as { description: string }).description).toBe(
      'not deployed: checks did not pass within 10m 00s (waiting for build)',
    );
    expect(run.world.deploys?.production?.next).toBeNull();
  });
});

describe('deploy on push: one deploy per environment at a time', () => {
  it('two pushes while a deploy runs: only the newest is deployed, after the run', () => {
    const run = sim();
    run.apply(push('main', c(1)));
    run.apply(checks('production', c(1), 'success'));
    // While c1 deploys, c2 and c3 arrive and pass their checks: nothing starts, nothing reported.
    expect(brief(run.apply(push('main', c(2))))).toEqual([`check production ${s(2)}`]);
    expect(brief(run.apply(checks('production', c(2), 'success')))).toEqual([]);
    expect(brief(run.apply(push('main', c(3))))).toEqual([`check production ${s(3)}`]);
    expect(brief(run.apply(checks('production', c(3), 'success')))).toEqual([]);
    expect(run.world.deploys?.production?.run?.sha).toBe(c(1));
    expect(brief(run.apply(finished('production', 'production/deploy/1')))).toEqual([
      `production ${s(1)} success`,
      `deploy production ${s(3)}`,
      `production ${s(3)} in_progress`,
    ]);
    expect(run.log.some((a) => a.kind === 'deploy_environment' && a.sha === c(2))).toBe(false);
  });

  it('a commit still waiting for checks when the run ends is reported queued, then deploys', () => {
    const run = sim();
    run.apply(push('main', c(1)));
    run.apply(checks('production', c(1), 'success'));
    run.apply(push('main', c(2)));
    expect(brief(run.apply(finished('production', 'production/deploy/1')))).toEqual([
      `production ${s(1)} success`,
      `production ${s(2)} queued`,
    ]);
    expect(brief(run.apply(checks('production', c(2), 'success')))).toEqual([
      `deploy production ${s(2)}`,
      `production ${s(2)} in_progress`,
    ]);
  });

  it('a commit whose checks failed during a run is reported failed after it', () => {
    const run = sim();
    run.apply(push('main', c(1)));
    run.apply(checks('production', c(1), 'success'));
    run.apply(push('main', c(2)));
    expect(brief(run.apply(checks('production', c(2), 'failure')))).toEqual([]);
    expect(brief(run.apply(finished('production', 'production/deploy/1')))).toEqual([
      `production ${s(1)} success`,
      `production ${s(2)} failure`,
    ]);
  });

  it('a push of the commit already live supersedes the waiting one and reports the live one', () => {
    const run = sim();
    run.apply(push('main', c(1)));
    run.apply(checks('production', c(1), 'success'));
    run.apply(finished('production', 'production/deploy/1'));
    run.apply(push('main', c(2)));
    expect(brief(run.apply(push('main', c(1))))).toEqual([`production ${s(1)} success`]);
    expect(run.world.deploys?.production?.next).toBeNull();
    expect(brief(run.apply(push('main', c(1))))).toEqual([]);
  });

  it('a result for another run id is stale and ignored', () => {
    const run = sim();
    run.apply(push('main', c(1)));
    run.apply(checks('production', c(1), 'success'));
    expect(run.apply(finished('production', 'production/deploy/99'))).toEqual([]);
    expect(run.world.deploys?.production?.run?.sha).toBe(c(1));
  });
});
