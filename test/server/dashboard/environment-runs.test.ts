import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../bot/config/load.js';
import { silentLogger } from '../../../bot/core/logger.js';
import { emptyWorld, type World } from '../../../bot/core/model.js';
import type { GitHubPort } from '../../../bot/adapters/github/github-port.js';
import { ClusterDeployExecutor } from '../../../bot/runtime/cluster-deploy-executor.js';
import { dashboardPage, runPage } from '../../../bot/server/dashboard/pages.js';
import { environmentPath, runPath } from '../../../bot/server/dashboard/paths.js';
import { RunLog, type RunRecord } from '../../../bot/server/dashboard/run-log.js';
import { dashboardView } from '../../../bot/server/dashboard/view.js';
import { repoRoot } from '../../support/tools.js';

const SHA = 'a1b2c3d'.padEnd(40, '0');
const config = loadConfigOrThrow(
  readFileSync(path.join(repoRoot, 'examples/aipacto/prenv.yml'), 'utf8'),
  'prenv.yml',
);

describe("production's and staging's runs", () => {
  it('are recorded by the deploy-on-push executor as runs of their environment', async () => {
    const log = new RunLog({ secrets: ['hcloud-secret-value'] });
    const ended: string[] = [];
    const executor = new ClusterDeployExecutor({
      github: {} as GitHubPort,
      logger: silentLogger,
      secrets: ['hcloud-secret-value'],
      observer: log,
      onEvent: (e) => ended.push(e.kind === 'environment_run_finished' ? e.outcome : e.kind),
      deployer: {
        async deploy(_env, _sha, run) {
          run.step('terraform apply production');
          run.note('token hcloud-secret-value refused');
          run.step('loading the Caddy route');
          return { url: 'https://aipacto.com' };
        },
      },
    });
    executor.submit([
      {
        kind: 'deploy_environment',
        environment: 'production',
        runId: 'production/deploy/3',
        sha: SHA,
      },
    ]);
    await executor.idle();
    expect(ended).toEqual(['succeeded']);
    const run = log.get('production/deploy/3')!;
    expect(run).toMatchObject({
      environment: 'production',
      pr: null,
      kind: 'deploy',
      sha: SHA,
      outcome: 'succeeded',
    });
    expect(run.lines.map((l) => [l.text, l.note ?? false])).toEqual([
      ['terraform apply production', false],
      ['token [REDACTED] refused', true],
      ['loading the Caddy route', false],
    ]);
    expect(log.list('production').map((r) => r.runId)).toEqual(['production/deploy/3']);
    expect(log.list('pr-3')).toEqual([]);
  });

  it('records a deploy that fails before it starts (no deployer) with its error', async () => {
    const log = new RunLog({ secrets: [] });
    const executor = new ClusterDeployExecutor({
      github: {} as GitHubPort,
      logger: silentLogger,
      secrets: [],
      observer: log,
      onEvent: () => undefined,
      deployer: null,
    });
    executor.submit([
      { kind: 'deploy_environment', environment: 'staging', runId: 'staging/deploy/1', sha: SHA },
    ]);
    await executor.idle();
    expect(log.get('staging/deploy/1')).toMatchObject({
      environment: 'staging',
      outcome: 'failed',
      error: 'this bot is not set up to deploy staging',
    });
  });

  it('reads runs kept before environments were recorded as PR runs', async () => {
    const legacy = {
      runId: 'pr-4/deploy/2',
      pr: 4,
      kind: 'deploy',
      sha: null,
      startedAt: 1,
      endedAt: Date.now(),
      outcome: 'succeeded',
      error: null,
      lines: [],
      dropped: 0,
    } as unknown as RunRecord;
    const log = new RunLog({
      secrets: [],
      store: { keptRuns: async () => [legacy], keepRun: async () => undefined },
    });
    await log.restore();
    expect(log.list('pr-4').map((r) => r.environment)).toEqual(['pr-4']);
  });

  it('show on the run page with only steps in the steps table', () => {
    let t = 1_000;
    const log = new RunLog({ secrets: [], clock: () => t });
    log.started({
      kind: 'deploy_environment',
      environment: 'staging',
      runId: 'staging/deploy/9',
      sha: SHA,
    });
    log.line('staging/deploy/9', 'terraform apply staging');
    t = 4_000;
    log.line('staging/deploy/9', 'Apply complete!', 'note');
    t = 61_000;
    log.line('staging/deploy/9', 'loading the Caddy route');
    const page = runPage(log.get('staging/deploy/9')!, 'me', 62_000);
    expect(page).toMatch(/deploy of\s+staging at <code>a1b2c3d<\/code>/);
    expect(page).toContain('<td>terraform apply staging</td>');
    // The apply step lasts until the next step, not until its note.
    expect(page).toMatch(/<td>terraform apply staging<\/td><td>[^<]+<\/td><td>1m 00s<\/td>/);
    expect(page).not.toContain('<td>Apply complete!');
    expect(page).toContain('Apply complete!');
  });

  it.each<[string, World['deploys'], string | null, RegExp]>([
    ['never deployed by the bot', undefined, null, /managed by the CLI/],
    [
      'deploying',
      {
        production: {
          environment: 'production',
          next: null,
          run: { id: 'production/deploy/5', sha: SHA, startedAt: 0 },
          deployedSha: null,
          lastError: null,
        },
      },
      null,
      /state-deploying">deploying</,
    ],
    [
      'live at its commit',
      {
        production: {
          environment: 'production',
          next: null,
          run: null,
          deployedSha: SHA,
          lastError: null,
        },
      },
      'a1b2c3d',
      /state-live">live</,
    ],
  ])('are listed in the environments table: %s', (_name, deploys, commit, state) => {
    const world = { ...emptyWorld(), ...(deploys ? { deploys } : {}) };
    const log = new RunLog({ secrets: [], clock: () => 5_000 });
    log.started({
      kind: 'deploy_environment',
      environment: 'production',
      runId: 'production/deploy/5',
      sha: SHA,
    });
    log.finished('production/deploy/5', 'failed', 'nomad said no');
    log.started({ kind: 'provision', pr: 3, runId: 'pr-3/provision/6' });
    const view = dashboardView(config, world, log.list(), 10_000);
    const production = view.envs.find((e) => e.name === 'production')!;
    expect(production.commit).toBe(commit);
    expect(production.lastRun).toEqual({ step: 'deploy', outcome: 'failed', at: 5_000 });
    expect(production.runsPath).toBe('/env/production');
    expect(view.envs.find((e) => e.name === 'staging')!.lastRun).toBeNull();
    const page = dashboardPage(view, 'me');
    const row = /<th scope="row">production<\/th>([\s\S]*?)<\/tr>/.exec(page)![1]!;
    expect(row).toMatch(state);
    expect(row).toMatch(
      /<a href="\/env\/production">deploy<\/a>\s*<span class="outcome-failed">failed/,
    );
    // The runs table names each run's environment.
    expect(page).toMatch(
      /<a href="\/runs\/production%2Fdeploy%2F5">production\/deploy\/5<\/a><\/td>\s*<td>production<\/td>/,
    );
    expect(page).toMatch(/<td>pr-3<\/td>/);
  });
});

describe('the pages of runs', () => {
  it.each([
    ['pr-7', '/pr/7'],
    ['production', '/env/production'],
    ['staging', '/env/staging'],
  ])('%s: its runs at %s', (environment, expected) => {
    expect(environmentPath(environment)).toBe(expected);
  });

  it('encodes a run id into one path segment', () => {
    expect(runPath('production/deploy/12')).toBe('/runs/production%2Fdeploy%2F12');
  });
});
