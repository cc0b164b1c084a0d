import { describe, expect, it } from 'vitest';
import type { StickyView } from '../../bot/core/actions.js';
import { silentLogger } from '../../bot/core/logger.js';
import { newEnv } from '../../bot/core/model.js';
import type { GitHubPort } from '../../bot/adapters/github/github-port.js';
import { GitHubReporter } from '../../bot/runtime/github-reporter.js';
import { environmentPath, logsPath } from '../../bot/server/dashboard/paths.js';
import { RunLog } from '../../bot/server/dashboard/run-log.js';
import { MemoryGitHub } from '../fakes/github/memory-github.js';
import { createHarness, pull as pullOf } from './harness.js';
import { pull } from '../core/fixtures.js';

/** Records what the reporter writes; only the three calls these reports make. */
function recordingGitHub() {
  const calls: Array<[string, unknown]> = [];
  const github = {
    upsertStickyComment: async (_pr: number, _marker: string, body: string) => {
      calls.push(['sticky', body]);
      return 1;
    },
    createDeployment: async (input: unknown) => {
      calls.push(['deployment', input]);
      return 5;
    },
    setDeploymentStatus: async (input: unknown) => {
      calls.push(['status', input]);
    },
  } as unknown as GitHubPort;
  return { github, calls };
}

describe('links to the run page', () => {
  it.each([
    ['with a dashboard', 'https://bot.example.com/pr/7', true],
    ['without one', undefined, false],
  ])('%s', async (_name, url, linked) => {
    const { github, calls } = recordingGitHub();
    const reporter = new GitHubReporter({
      github,
      logger: silentLogger,
      queueEditDebounceMs: 0,
      ...(url ? { logsUrl: () => url } : {}),
      deploymentPayload: (pr) => ({ prenv_bypass_token: `token-${pr}` }),
    });
    const view: StickyView = {
      env: { ...newEnv(pull(7), 0), phase: 'live' },
      url: 'https://pr-7.example.com',
      queue: null,
      waitingForCapacity: false,
    };
    reporter.submit({ kind: 'report', pr: 7, view });
    reporter.submit({
      kind: 'mark_deployment',
      pr: 7,
      environment: 'pr-7',
      sha: 'abc1234',
      state: 'success',
      url: 'https://pr-7.example.com',
    });
    await reporter.flush();
    const sticky = calls.find(([k]) => k === 'sticky')![1] as string;
    const status = calls.find(([k]) => k === 'status')![1] as { logUrl?: string };
    const deployment = calls.find(([k]) => k === 'deployment')![1] as { payload?: unknown };
    expect(sticky.endsWith(`[Logs](${url})\n`)).toBe(linked);
    expect(status.logUrl).toBe(url);
    expect(deployment.payload).toEqual({ prenv_bypass_token: 'token-7' });
  });
});

describe('links every environment to its runs', () => {
  it.each([
    [7, 'pr-7', 'https://bot.example.com/pr/7'],
    [null, 'production', 'https://bot.example.com/env/production'],
    [null, 'staging', 'https://bot.example.com/env/staging'],
  ])('a deployment of %s (%s) links %s', async (pr, environment, expected) => {
    const { github, calls } = recordingGitHub();
    const reporter = new GitHubReporter({
      github,
      logger: silentLogger,
      queueEditDebounceMs: 0,
      logsUrl: (env) => `https://bot.example.com${environmentPath(env)}`,
    });
    for (const state of ['in_progress', 'success'] as const)
      reporter.submit({
        kind: 'mark_deployment',
        pr,
        environment,
        sha: 'abc1234',
        state,
        url: null,
      });
    await reporter.flush();
    const statuses = calls.filter(([k]) => k === 'status').map(([, s]) => s as { logUrl?: string });
    expect(statuses.length).toBeGreaterThan(0);
    for (const status of statuses) expect(status.logUrl).toBe(expected);
  });
});

describe("each deployment status links its own run's page", () => {
  it("a PR's successive runs: each status its run, every linked run kept", async () => {
    const github = new MemoryGitHub();
    const runs = new RunLog({ secrets: [] });
    const base = 'https://bot.example.com';
    const h = createHarness({
      github,
      engine: {
        runObserver: runs,
        logsUrl: (environment, runId) => `${base}${logsPath(environment, runId)}`,
      },
    });
    await h.deliver('open', { kind: 'pr_opened', pull: pullOf(7, 'abc1234') });
    await h.engine.drain();
    await h.engine.idle();
    await h.deliver('push', { kind: 'pr_updated', pull: pullOf(7, 'def5678') });
    await h.engine.drain();
    await h.engine.idle();
    await h.engine.stop();

    const deployments = github.deployments.filter((d) => d.environment === 'pr-7');
    expect(deployments.map((d) => d.ref)).toEqual(['abc1234', 'def5678']);
    const linked = deployments.map((d) =>
      d.statuses.flatMap((state, i) =>
        state === 'in_progress' || state === 'success' ? [[state, d.logUrls[i]!] as const] : [],
      ),
    );
    // abc1234: provision, then deploy; def5678: a redeploy. Each run's id is in its link.
    const runIds = linked.flat().map(([, url]) => {
      expect(url.startsWith(`${base}/runs/`)).toBe(true);
      return decodeURIComponent(url.slice(`${base}/runs/`.length));
    });
    expect(runIds).toEqual([
      expect.stringMatching(/^pr-7\/provision\/\d+$/),
      expect.stringMatching(/^pr-7\/deploy\/\d+$/),
      runIds[1],
      expect.stringMatching(/^pr-7\/redeploy\/\d+$/),
      runIds[3],
    ]);
    expect(new Set(runIds).size).toBe(3);
    // The success of each commit links the run that made it live, not the newest run.
    expect(linked[0]!.at(-1)).toEqual([
      'success',
      `${base}/runs/${encodeURIComponent(runIds[1]!)}`,
    ]);
    for (const id of runIds) expect(runs.get(id)?.outcome).toBe('succeeded');
  });
});
