import { describe, expect, it } from 'vitest';
import type { Action, StickyView } from '../../bot/core/actions.js';
import { silentLogger } from '../../bot/core/logger.js';
import { newEnv, type Phase } from '../../bot/core/model.js';
import { DeploymentWriter } from '../../bot/runtime/deployment-writer.js';
import { GitHubReporter } from '../../bot/runtime/github-reporter.js';
import { CountingGitHub } from '../fakes/github/counting-github.js';
import { pull } from '../core/fixtures.js';

function report(pr: number, phase: Phase, position: number | null = null): Action {
  const env = { ...newEnv(pull(pr), 0), phase };
  const view: StickyView = {
    env,
    url: `https://pr-${pr}.example.com`,
    queue: position === null ? null : { position, length: 99 },
    waitingForCapacity: false,
  };
  return { kind: 'report', pr, view };
}

function mark(
  pr: number,
  state: 'queued' | 'in_progress' | 'success' | 'inactive',
  sha = 'abc1234',
) {
  return {
    kind: 'mark_deployment' as const,
    pr,
    environment: `pr-${pr}`,
    sha,
    state,
    url: null,
  };
}

const headlines = (github: CountingGitHub, pr: number) =>
  github.sticky(pr)?.history.map((b) => /^### Preview `pr-\d+`: \S+ (.*)$/m.exec(b)?.[1]) ?? [];

describe('GitHubReporter: coalescing, off the critical path', () => {
  it('returns at once; per PR one write in flight, the newest sticky comment wins', async () => {
    const github = new CountingGitHub(20);
    const reporter = new GitHubReporter({ github, logger: silentLogger, queueEditDebounceMs: 0 });
    for (const phase of ['provisioning', 'deploying', 'live', 'redeploying', 'live'] as Phase[])
      reporter.submit(report(1, phase) as never);
    reporter.submit(report(2, 'provisioning') as never);
    // Nothing was awaited: submit never waits for GitHub.
    expect(github.comments).toEqual([]);
    await reporter.idle();
    expect(github.stickyWrites.get(1)).toBe(2);
    expect(headlines(github, 1).at(-1)).toMatch(/live/);
    expect(github.stickyWrites.get(2)).toBe(1);
    expect(github.maxInFlightPerPr).toBe(1);
  });

  it('debounces edits that only move the queue position, and still writes the last one', async () => {
    const github = new CountingGitHub();
    const reporter = new GitHubReporter({
      github,
      logger: silentLogger,
      queueEditDebounceMs: 1_000,
    });
    reporter.submit(report(3, 'queued', 9) as never);
    await reporter.idle();
    for (let position = 8; position >= 1; position--)
      reporter.submit(report(3, 'queued', position) as never);
    await reporter.idle();
    expect(github.stickyWrites.get(3)).toBe(1);
    await new Promise((r) => setTimeout(r, 1_200));
    await reporter.idle();
    expect(github.stickyWrites.get(3)).toBe(2);
    expect(github.sticky(3)?.body).toMatch(/position 1/i);
  });

  it('writes a change of phase at once, replacing a debounced position edit', async () => {
    const github = new CountingGitHub();
    const reporter = new GitHubReporter({
      github,
      logger: silentLogger,
      queueEditDebounceMs: 60_000,
    });
    reporter.submit(report(4, 'queued', 2) as never);
    await reporter.idle();
    reporter.submit(report(4, 'queued', 1) as never);
    reporter.submit(report(4, 'provisioning') as never);
    await reporter.idle();
    expect(headlines(github, 4)).toEqual([
      expect.stringMatching(/queued/),
      expect.stringMatching(/creating/),
    ]);
  });

  it('flush writes debounced edits (a stopping bot leaves no stale comment)', async () => {
    const github = new CountingGitHub();
    const reporter = new GitHubReporter({
      github,
      logger: silentLogger,
      queueEditDebounceMs: 60_000,
    });
    reporter.submit(report(5, 'queued', 3) as never);
    await reporter.idle();
    reporter.submit(report(5, 'queued', 2) as never);
    await reporter.flush();
    expect(github.stickyWrites.get(5)).toBe(2);
    expect(github.sticky(5)?.body).toMatch(/position 2/i);
  });

  it('coalesces deployment states: the newest wins, inactive drops what waits before it', async () => {
    const github = new CountingGitHub(20);
    const reporter = new GitHubReporter({ github, logger: silentLogger, queueEditDebounceMs: 0 });
    reporter.submit(mark(6, 'queued'));
    reporter.submit(mark(6, 'in_progress'));
    reporter.submit(mark(6, 'success'));
    await reporter.idle();
    expect(github.deployments.map((d) => d.statuses)).toEqual([['queued', 'success']]);
    reporter.submit(mark(6, 'in_progress', 'def5678'));
    reporter.submit(mark(6, 'inactive'));
    reporter.submit(mark(6, 'inactive'));
    await reporter.idle();
    expect(github.calls.get('createDeployment')).toBe(2);
    expect(github.calls.get('deactivateDeployments')).toBe(1);
  });

  it('logs a failed write and goes on with the next', async () => {
    const github = new CountingGitHub();
    github.upsertStickyComment = () => Promise.reject(new Error('502 from GitHub'));
    const warned: string[] = [];
    const logger = { ...silentLogger, warn: (m: string) => void warned.push(m) };
    const reporter = new GitHubReporter({ github, logger, queueEditDebounceMs: 0 });
    reporter.submit(report(7, 'live') as never);
    reporter.submit({ kind: 'reply', pr: 7, inReplyTo: null, reason: 'help', body: 'help' });
    await reporter.idle();
    expect(warned).toEqual(['GitHub report failed']);
    expect(github.comments.map((c) => c.body)).toEqual(['help']);
  });
});

describe('DeploymentWriter: one current deployment per environment', () => {
  it('forgets the deployment of an environment that went inactive: a new deploy gets a new one', async () => {
    const github = new CountingGitHub();
    const writer = new DeploymentWriter(github);
    await writer.write(mark(8, 'success'));
    const first = writer.currentId('pr-8');
    await writer.write(mark(8, 'inactive'));
    expect(writer.currentId('pr-8')).toBeUndefined();
    await writer.write(mark(8, 'in_progress'));
    await writer.write(mark(8, 'success'));
    expect(github.deployments.map((d) => [d.id === first, d.statuses])).toEqual([
      [true, ['success', 'inactive']],
      [false, ['in_progress', 'success']],
    ]);
  });

  it('sets a deployment superseded before it finished inactive', async () => {
    const github = new CountingGitHub();
    const writer = new DeploymentWriter(github);
    await writer.write(mark(9, 'in_progress', 'aaa'));
    await writer.write(mark(9, 'in_progress', 'bbb'));
    expect(github.deployments.map((d) => [d.ref, d.statuses])).toEqual([
      ['aaa', ['in_progress', 'inactive']],
      ['bbb', ['in_progress']],
    ]);
  });

  it('after a restart, sets deployments a dead process left in_progress to error, once', async () => {
    const github = new CountingGitHub();
    const left = await github.createDeployment({
      ref: 'old',
      environment: 'pr-10',
      description: '',
    });
    await github.setDeploymentStatus({ deploymentId: left, state: 'in_progress', description: '' });
    const writer = new DeploymentWriter(github);
    writer.recover(['pr-10']);
    await writer.write(mark(10, 'in_progress', 'new'));
    await writer.write(mark(10, 'success', 'new'));
    expect(github.deployments.map((d) => [d.ref, d.statuses])).toEqual([
      ['old', ['in_progress', 'error']],
      ['new', ['in_progress', 'success']],
    ]);
    expect(github.calls.get('setDeploymentStatus')).toBe(4);
  });
});

/** A GitHub that refuses the next `n` calls of one write the way Octokit throws after its retries. */
class RefusingGitHub extends CountingGitHub {
  private refusals = new Map<string, number>();
  readonly refused = new Map<string, number>();
  constructor(
    private readonly status: number,
    private readonly message: string,
  ) {
    super();
  }
  refuse(method: string, n: number): void {
    this.refusals.set(method, n);
  }
  private gate(method: string): void {
    const left = this.refusals.get(method) ?? 0;
    if (left <= 0) return;
    this.refusals.set(method, left - 1);
    this.refused.set(method, (this.refused.get(method) ?? 0) + 1);
    throw Object.assign(new Error(this.message), { status: this.status });
  }
  override async upsertStickyComment(pr: number, marker: string, body: string) {
    this.gate('upsertStickyComment');
    return super.upsertStickyComment(pr, marker, body);
  }
  override async createDeployment(input: {
    ref: string;
    environment: string;
    description: string;
  }) {
    this.gate('createDeployment');
    return super.createDeployment(input);
  }
  override async setDeploymentStatus(input: Parameters<CountingGitHub['setDeploymentStatus']>[0]) {
    this.gate('setDeploymentStatus');
    return super.setDeploymentStatus(input);
  }
  override async deactivateDeployments(environment: string) {
    this.gate('deactivateDeployments');
    return super.deactivateDeployments(environment);
  }
}

const answers: [number, string][] = [
  [500, 'Server Error'],
  [502, 'Bad Gateway'],
  [403, 'You have exceeded a secondary rate limit'],
];
const retry = { baseMs: 5, maxMs: 20, maxAttempts: 5 };

describe('GitHubReporter: a write GitHub refused is written again, never over a newer state', () => {
  describe.each(answers)('GitHub answering %i', (status, message) => {
    it.each(['upsertStickyComment', 'createDeployment', 'setDeploymentStatus'])(
      'the final states still reach GitHub when %s fails 3 times',
      async (method) => {
        const github = new RefusingGitHub(status, message);
        github.refuse(method, 3);
        const reporter = new GitHubReporter({
          github,
          logger: silentLogger,
          queueEditDebounceMs: 0,
          retry,
        });
        reporter.submit(report(1, 'provisioning') as never);
        reporter.submit(mark(1, 'in_progress') as never);
        await reporter.idle();
        reporter.submit(report(1, 'live') as never);
        reporter.submit(mark(1, 'success') as never);
        await reporter.flush();
        expect(headlines(github, 1).at(-1)).toMatch(/live/);
        expect(github.deployments.map((d) => d.statuses.at(-1))).toEqual(['success']);
        expect(github.deployments[0]?.statuses.filter((s) => s === 'success')).toHaveLength(1);
      },
    );
  });

  it('a refused older state waiting to be written again is dropped when a newer one comes', async () => {
    const github = new RefusingGitHub(500, 'Server Error');
    github.refuse('upsertStickyComment', 1);
    github.refuse('setDeploymentStatus', 1);
    const retryLater = { baseMs: 200, maxMs: 200, maxAttempts: 5 };
    const reporter = new GitHubReporter({
      github,
      logger: silentLogger,
      queueEditDebounceMs: 0,
      retry: retryLater,
    });
    reporter.submit(report(2, 'deploying') as never);
    reporter.submit(mark(2, 'in_progress') as never);
    await reporter.idle();
    reporter.submit(report(2, 'live') as never);
    reporter.submit(mark(2, 'success') as never);
    await reporter.flush();
    expect(headlines(github, 2)).toHaveLength(1);
    expect(headlines(github, 2)[0]).toMatch(/live/);
    expect(github.deployments[0]?.statuses).toEqual(['success']);
  });

  it('a refused inactive is written again before the newer deploy that follows it', async () => {
    const github = new RefusingGitHub(502, 'Bad Gateway');
    const reporter = new GitHubReporter({
      github,
      logger: silentLogger,
      queueEditDebounceMs: 0,
      retry,
    });
    reporter.submit(mark(3, 'success', 'aaa') as never);
    await reporter.idle();
    github.refuse('deactivateDeployments', 2);
    reporter.submit(mark(3, 'inactive', 'aaa') as never);
    reporter.submit(mark(3, 'queued', 'bbb') as never);
    await reporter.flush();
    expect(github.deployments.map((d) => [d.ref, d.statuses])).toEqual([
      ['aaa', ['success', 'inactive']],
      ['bbb', ['queued']],
    ]);
  });

  it('gives up after its attempts, and the lane goes on', async () => {
    const github = new RefusingGitHub(500, 'Server Error');
    github.refuse('upsertStickyComment', 100);
    const reporter = new GitHubReporter({
      github,
      logger: silentLogger,
      queueEditDebounceMs: 0,
      retry,
    });
    reporter.submit(report(4, 'live') as never);
    await reporter.flush();
    expect(github.refused.get('upsertStickyComment')).toBe(retry.maxAttempts);
    expect(github.sticky(4)).toBeUndefined();
    reporter.submit(mark(4, 'success') as never);
    await reporter.flush();
    expect(github.deployments[0]?.statuses).toEqual(['success']);
  });
});
