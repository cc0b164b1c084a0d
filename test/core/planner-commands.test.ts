import { describe, expect, it } from 'vitest';
import type { Permission } from '../../bot/core/actions.js';
import { kinds, only, pull, command, Sim, sha } from './fixtures.js';

describe('plan: commands', () => {
  it.each<Permission>(['read', 'triage', 'none'])(
    'refuses a command from a user with %s permission, saying why',
    (permission) => {
      const sim = new Sim();
      const actions = sim.apply(command(pull(1), 'deploy', permission, 'visitor'));
      expect(actions).toEqual([
        { kind: 'react', pr: 1, commentId: 901, reaction: '-1' },
        {
          kind: 'reply',
          pr: 1,
          inReplyTo: 901,
          reason: 'permission',
          body: expect.stringContaining(`has ${permission}`),
        },
      ]);
      expect(sim.world.envs).toEqual({});
    },
  );

  it.each<Permission>(['write', 'maintain', 'admin'])('accepts /deploy with %s permission', (p) => {
    const sim = new Sim();
    const actions = sim.apply(command(pull(1), 'deploy', p));
    expect(actions[0]).toEqual({ kind: 'react', pr: 1, commentId: 901, reaction: 'eyes' });
    expect(kinds(actions)).toContain('provision');
  });

  it('answers a near-miss with the command meant', () => {
    const sim = new Sim();
    const actions = sim.apply(
      command(pull(1), { kind: 'unknown', word: 'destory', suggestion: 'destroy', line: 1 }),
    );
    expect(kinds(actions)).toEqual(['react', 'reply']);
    expect(only(actions, 'react')[0]?.reaction).toBe('confused');
    expect(only(actions, 'reply')[0]?.body).toBe(
      'Unknown command `/destory`. Did you mean `/destroy`?',
    );
  });

  it.each([
    ['closed', pull(1, { state: 'closed' }), 'closed'],
    ['draft', pull(1, { draft: true }), 'draft'],
  ])('refuses /deploy on a %s pull request', (_label, p, reason) => {
    const sim = new Sim();
    const actions = sim.apply(command(p, 'deploy'));
    expect(kinds(actions)).toEqual(['react', 'reply']);
    expect(only(actions, 'reply')[0]?.reason).toBe(reason);
  });

  it('refuses /deploy on a fork when forks are never deployed', () => {
    const sim = new Sim({ forks: 'never' });
    const actions = sim.apply(command(pull(1, { fork: true }), 'deploy'));
    expect(only(actions, 'reply')[0]?.reason).toBe('fork_never');
  });

  it('deploys a fork on a maintainer’s /deploy, at the head SHA it approved', () => {
    const sim = new Sim();
    const fork = pull(1, { fork: true });
    sim.apply({ kind: 'pr_opened', pull: fork });
    sim.apply(command(fork, 'deploy'));
    expect(sim.env(1).approvedSha).toBe(fork.headSha);
    sim.finish(1);
    sim.apply({ kind: 'pr_updated', pull: pull(1, { fork: true, headSha: sha(1, 1) }) });
    const [deploy] = only(sim.log, 'deploy');
    expect(deploy?.sha).toBe(fork.headSha);
    expect(sim.env(1).desiredSha).toBe(fork.headSha);
  });

  it('retries a failed env at once on /deploy, resetting the attempt count', () => {
    const sim = new Sim();
    sim.apply({ kind: 'pr_opened', pull: pull(1) });
    sim.finish(1);
    sim.finish(1, 'failed', 'health check failed');
    expect(sim.env(1).phase).toBe('failed');
    const actions = sim.apply(command(pull(1), 'deploy'));
    expect(kinds(actions)).toEqual(['react', 'deploy', 'mark_deployment', 'report']);
    expect(sim.env(1).failure?.attempts).toBe(0);
    expect(sim.env(1).failure?.nextRetryAt).toBeNull();
  });

  it('keeps an env destroyed by /destroy until /deploy', () => {
    const sim = new Sim();
    sim.live(1);
    expect(kinds(sim.apply(command(pull(1), 'destroy')))).toEqual(['react', 'destroy', 'report']);
    sim.finish(1);
    expect(sim.env(1).phase).toBe('absent');
    expect(sim.env(1).manualOverride).toMatchObject({
      reason: 'destroy_command',
      by: 'maintainer',
    });
    expect(sim.apply({ kind: 'pr_updated', pull: pull(1, { headSha: sha(1, 1) }) })).toEqual([]);
    expect(sim.apply({ kind: 'pr_opened', pull: pull(1, { headSha: sha(1, 1) }) })).toEqual([]);
    const actions = sim.apply(command(pull(1, { headSha: sha(1, 1) }), 'deploy'));
    expect(kinds(actions)).toContain('provision');
    expect(sim.env(1).manualOverride).toBeNull();
  });

  it('takes a queued PR out of the queue on /destroy', () => {
    const sim = new Sim({ cap: 1 });
    sim.live(1);
    sim.apply({ kind: 'pr_opened', pull: pull(2) });
    const actions = sim.apply(command(pull(2), 'destroy'));
    expect(kinds(actions)).toEqual(['react', 'dequeue', 'mark_deployment', 'report']);
    expect(sim.env(2).phase).toBe('absent');
  });

  it('cancels the run in flight on /destroy', () => {
    const sim = new Sim();
    sim.apply({ kind: 'pr_opened', pull: pull(1) });
    const provision = sim.env(1).run!.id;
    const actions = sim.apply(command(pull(1), 'destroy'));
    expect(actions).toContainEqual({ kind: 'cancel_run', pr: 1, runId: provision });
    expect(kinds(actions)).toContain('destroy');
  });

  it('/redeploy redeploys a live env at the same SHA; /deploy leaves it alone', () => {
    const sim = new Sim();
    sim.live(1);
    expect(kinds(sim.apply(command(pull(1), 'deploy')))).toEqual(['react', 'report']);
    const actions = sim.apply(command(pull(1), 'redeploy'));
    expect(only(actions, 'redeploy')[0]?.sha).toBe(pull(1).headSha);
  });

  it('/status refreshes the sticky comment and /help replies with the commands', () => {
    const sim = new Sim();
    sim.live(1);
    const status = sim.apply(command(pull(1), 'status'));
    expect(kinds(status)).toEqual(['react', 'report']);
    expect(only(status, 'report')[0]?.view.env.phase).toBe('live');
    const help = sim.apply(command(pull(1), 'help'));
    expect(kinds(help)).toEqual(['react', 'reply']);
    for (const name of ['/deploy', '/redeploy', '/destroy', '/status', '/help'])
      expect(only(help, 'reply')[0]?.body).toContain(`\`${name}\``);
  });

  it('does not mention the refused user', () => {
    const sim = new Sim();
    const [, reply] = sim.apply(command(pull(1), 'deploy', 'read', 'someone'));
    const body = reply?.kind === 'reply' ? reply.body : '';
    expect(body).toContain('`someone`');
    expect(body).not.toContain('@someone');
  });
});
