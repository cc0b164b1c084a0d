import { describe, expect, it } from 'vitest';
import { createHarness, pull, until } from './harness.js';

describe('engine: pushes and restarts', () => {
  it('deploys only the newest of five quick pushes after the run in flight', async () => {
    const h = createHarness({ settleMs: 200 });
    await h.deliver('open', { kind: 'pr_opened', pull: pull(7, 'sha-0') });
    h.ops.hold('deploy');
    await h.engine.drain();
    await until(() => h.ops.running('deploy').length === 1, 'the first deploy runs');

    for (let i = 1; i <= 5; i++) {
      await h.deliver(`push-${i}`, { kind: 'pr_updated', pull: pull(7, `sha-${i}`) });
      await h.engine.drain();
    }
    h.ops.release('deploy');
    await h.engine.idle();

    const deploys = h.ops.calls.filter((c) => c.op === 'deploy').map((c) => [c.sha, c.outcome]);
    expect(deploys).toEqual([
      ['sha-0', 'aborted'],
      ['sha-5', 'done'],
    ]);
    const env = (await h.world()).envs[7];
    expect(env).toMatchObject({ phase: 'live', deployedSha: 'sha-5' });
    expect(h.ops.calls.filter((c) => c.op === 'provision')).toHaveLength(1);
    await h.engine.stop();
  });

  it('reports in one sticky comment edited in place, and marks the GitHub deployment', async () => {
    const h = createHarness();
    await h.deliver('open', { kind: 'pr_opened', pull: pull(3) });
    await h.engine.idle();
    await h.deliver('close', { kind: 'pr_closed', pull: pull(3, 'sha-3-0', { state: 'closed' }) });
    await h.engine.idle();
    const stickies = h.github.comments.filter((c) => c.pr === 3 && c.body.includes('prenv:sticky'));
    expect(stickies).toHaveLength(1);
    const history = stickies[0]!.history.map((b) => b.split('\n')[1]);
    expect(history[0]).toContain('creating the server');
    expect(history).toContainEqual(expect.stringContaining('live'));
    expect(history.at(-1)).toContain('no environment');
    const deployment = h.github.deployments.find((d) => d.environment === 'pr-3');
    expect(deployment?.statuses).toContain('success');
    expect(deployment?.statuses.at(-1)).toBe('inactive');
    expect(deployment?.url).toBe('https://pr-3.pr.example.com');
    await h.engine.stop();
  });

  it('after a crash mid-deploy, a new process resumes the run and the env goes live', async () => {
    const first = createHarness();
    first.ops.hold('deploy');
    await first.deliver('open', { kind: 'pr_opened', pull: pull(4) });
    await first.engine.drain();
    await until(() => first.ops.running('deploy').length === 1, 'deploy in flight');
    // The process dies: nothing more of `first` runs, its state file stays.
    const worldAtCrash = await first.world();
    expect(worldAtCrash.envs[4]?.phase).toBe('deploying');

    const second = createHarness({ file: first.file });
    second.ops.servers.add(4);
    await second.engine.start();
    await second.engine.idle();
    expect((await second.world()).envs[4]).toMatchObject({ phase: 'live', deployedSha: 'sha-4-0' });
    expect(second.ops.calls.map((c) => c.op)).toEqual(['deploy']);
    await second.engine.stop();
    await first.engine.stop();
  });

  it('after a crash, a PR closed meanwhile is destroyed and no server is left', async () => {
    const first = createHarness();
    first.ops.hold('provision');
    await first.deliver('open', { kind: 'pr_opened', pull: pull(5) });
    await first.engine.drain();
    await until(() => first.ops.running('provision').length === 1, 'provision in flight');

    const second = createHarness({ file: first.file });
    await second.deliver('close', {
      kind: 'pr_closed',
      pull: pull(5, 'sha-5-0', { state: 'closed' }),
    });
    await second.engine.start();
    await second.engine.idle();
    const env = (await second.world()).envs[5];
    expect(env?.phase).toBe('absent');
    expect(second.ops.servers.size).toBe(0);
    expect(second.ops.calls.at(-1)?.op).toBe('destroy');
    await second.engine.stop();
    await first.engine.stop();
  });
});
