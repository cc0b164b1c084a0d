import { describe, expect, it } from 'vitest';
import { MemoryGitHub } from '../fakes/github/memory-github.js';
import { createHarness, pull, until } from './harness.js';

describe('engine restart: GitHub deployments a killed bot left in progress', () => {
  it('are set to error once the resumed run writes its own deployment', async () => {
    const github = new MemoryGitHub();
    const first = createHarness({ github });
    first.ops.hold('provision');
    await first.deliver('open', { kind: 'pr_opened', pull: pull(1, 'abc1234') });
    await first.engine.drain();
    await until(
      () => github.deployments.some((d) => d.statuses.at(-1) === 'in_progress'),
      'the deployment is in progress',
    );
    // The bot dies here: nothing it did afterwards reaches the state file.
    await first.engine.stop();

    const second = createHarness({ github, file: first.file });
    await second.engine.start();
    await second.engine.idle();
    expect((await second.world()).envs[1]?.phase).toBe('live');
    expect(github.deployments.map((d) => [d.ref, d.statuses])).toEqual([
      ['abc1234', ['in_progress', 'error']],
      ['abc1234', ['in_progress', 'success']],
    ]);
    await second.engine.stop();
  });
});
