import { describe, expect, it } from 'vitest';
import type { CommandEvent } from '../../bot/core/actions.js';
import type { PullRequestRef } from '../../bot/core/model.js';
import { command, kinds, only, pull, Sim } from './fixtures.js';

/** A command from the maintainer CLI: the same event as a comment's, without a comment. */
function cliCommand(p: PullRequestRef, name: string): CommandEvent {
  return { ...command(p, name, 'admin', 'cli:alice'), commentId: null };
}

describe('plan: commands from the maintainer CLI (no comment)', () => {
  it('starts a deploy without reacting to a comment', () => {
    const sim = new Sim();
    const actions = sim.apply(cliCommand(pull(3), 'deploy'));
    expect(kinds(actions)).not.toContain('react');
    expect(kinds(actions)).toContain('provision');
    expect(sim.env(3).phase).toBe('provisioning');
  });

  it('records the CLI user as the one who asked for a destroy', () => {
    const sim = new Sim();
    sim.apply(cliCommand(pull(3), 'deploy'));
    const actions = sim.apply(cliCommand(pull(3), 'destroy'));
    expect(kinds(actions)).not.toContain('react');
    expect(sim.env(3).manualOverride).toMatchObject({ reason: 'destroy_command', by: 'cli:alice' });
  });

  it('answers a refusal as a plain reply on the PR', () => {
    const sim = new Sim();
    const actions = sim.apply(cliCommand(pull(3, { state: 'closed' }), 'deploy'));
    expect(kinds(actions)).toEqual(['reply']);
    expect(only(actions, 'reply')[0]).toMatchObject({ inReplyTo: null, reason: 'closed' });
  });
});
