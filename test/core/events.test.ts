import { describe, expect, it } from 'vitest';
import { mapWebhook } from '../../bot/core/events.js';
import { actionsWithExamples, example } from './webhook-examples.js';

const options = { appLogin: 'prenv[bot]' };
type Payload = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function pr(action: string, edit: (p: Payload) => void = () => {}): Payload {
  const payload = example('pull_request', action) as Payload;
  edit(payload);
  return payload;
}

function comment(body: string, edit: (p: Payload) => void = () => {}): Payload {
  const payload = example('issue_comment', 'created') as Payload;
  payload.issue.pull_request = {
    url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/1',
  };
  payload.comment.body = body;
  edit(payload);
  return payload;
}

describe('mapWebhook: pull_request', () => {
  it('maps a real opened payload to pr_opened with our pull request fields', () => {
    const payload = pr('opened');
    const head = payload.pull_request.head;
    expect(mapWebhook('pull_request', payload, options)).toEqual({
      kind: 'pr_opened',
      pull: {
        number: payload.pull_request.number,
        headSha: head.sha,
        headRef: head.ref,
        baseRef: payload.pull_request.base.ref,
        title: payload.pull_request.title,
        author: payload.pull_request.user.login,
        draft: false,
        fork: false,
        state: 'open',
        merged: false,
      },
    });
  });

  it.each([
    ['opened', 'pr_opened'],
    ['reopened', 'pr_opened'],
    ['ready_for_review', 'pr_opened'],
    ['synchronize', 'pr_updated'],
    ['closed', 'pr_closed'],
    ['converted_to_draft', 'pr_drafted'],
    ['labeled', 'ignored'],
    ['locked', 'ignored'],
    ['assigned', 'ignored'],
    ['review_requested', 'ignored'],
  ])('%s → %s', (action, kind) => {
    const payload = pr(action);
    expect(mapWebhook('pull_request', payload, options).kind).toBe(kind);
  });

  it('ignores an edited pull request (no example payload: an opened one relabelled)', () => {
    const payload = pr('opened', (p) => (p.action = 'edited'));
    expect(mapWebhook('pull_request', payload, options)).toEqual({
      kind: 'ignored',
      reason: 'pull_request.edited is not handled',
    });
  });

  it('maps every example action without throwing', () => {
    for (const action of actionsWithExamples('pull_request')) {
      expect(() => mapWebhook('pull_request', pr(action), options)).not.toThrow();
    }
  });

  it('ignores a draft that is opened, reopened or pushed to, with the reason', () => {
    for (const action of ['opened', 'reopened', 'synchronize']) {
      const event = mapWebhook(
        'pull_request',
        pr(action, (p) => (p.pull_request.draft = true)),
        options,
      );
      expect(event).toEqual({
        kind: 'ignored',
        reason: `pull_request.${action}: draft pull request`,
      });
    }
  });

  it('carries the new head SHA of a synchronize', () => {
    const event = mapWebhook('pull_request', pr('synchronize'), options);
    expect(event.kind === 'pr_updated' && event.pull.headSha).toBe(
      pr('synchronize').pull_request.head.sha,
    );
  });

  it('marks a closed and merged pull request', () => {
    const payload = pr('closed', (p) => (p.pull_request.merged = true));
    const event = mapWebhook('pull_request', payload, options);
    expect(event).toMatchObject({ kind: 'pr_closed', pull: { state: 'closed', merged: true } });
  });

  it.each([
    [
      'another repository',
      (p: Payload) => (p.pull_request.head.repo.full_name = 'evil/Hello-World'),
    ],
    ['a deleted repository', (p: Payload) => (p.pull_request.head.repo = null)],
  ])('flags a head branch in %s as a fork', (_label, edit) => {
    const event = mapWebhook('pull_request', pr('opened', edit), options);
    expect(event).toMatchObject({ kind: 'pr_opened', pull: { fork: true } });
  });

  it('ignores a payload without a usable pull_request', () => {
    const event = mapWebhook('pull_request', { action: 'opened' }, options);
    expect(event).toEqual({
      kind: 'ignored',
      reason: 'pull_request.opened: payload has no usable pull_request',
    });
  });

  it('ignores other events', () => {
    expect(mapWebhook('push', {}, options)).toEqual({
      kind: 'ignored',
      reason: 'push events are not handled',
    });
  });
});

describe('mapWebhook: issue_comment', () => {
  it('maps a command on a pull request', () => {
    const payload = comment('/deploy');
    expect(mapWebhook('issue_comment', payload, options)).toEqual({
      kind: 'comment_command',
      pr: payload.issue.number,
      commentId: payload.comment.id,
      actor: payload.comment.user.login,
      command: { kind: 'command', name: 'deploy', line: 1 },
    });
  });

  it('passes a near-miss on as unknown with a suggestion', () => {
    const event = mapWebhook('issue_comment', comment('/destory'), options);
    expect(event).toMatchObject({
      kind: 'comment_command',
      command: { kind: 'unknown', word: 'destory', suggestion: 'destroy' },
    });
  });

  it.each([
    [
      'a comment on an issue',
      comment('/deploy', (p) => delete p.issue.pull_request),
      'comment on an issue, not a pull request',
    ],
    [
      'an edited comment',
      comment('/deploy', (p) => (p.action = 'edited')),
      'issue_comment.edited is not handled',
    ],
    [
      'a deleted comment',
      comment('/deploy', (p) => (p.action = 'deleted')),
      'issue_comment.deleted is not handled',
    ],
    ['a Bot sender', comment('/deploy', (p) => (p.sender.type = 'Bot')), 'comment by a bot'],
    [
      'a [bot] login',
      comment('/deploy', (p) => (p.comment.user.login = 'renovate[bot]')),
      'comment by a bot',
    ],
    [
      'our own app',
      comment('/deploy', (p) => {
        p.sender.login = 'PRENV[BOT]';
        p.sender.type = 'User';
      }),
      'comment by a bot',
    ],
    ['a comment without a command', comment('Nice work!'), 'comment holds no command'],
    ['a quoted command', comment('> /deploy\nno thanks'), 'comment holds no command'],
  ])('ignores %s', (_label, payload, reason) => {
    expect(mapWebhook('issue_comment', payload, options)).toEqual({ kind: 'ignored', reason });
  });

  it('recognises our own app by the login given', () => {
    const payload = comment('/status', (p) => {
      p.sender.login = 'preview-helper';
      p.comment.user.login = 'preview-helper';
    });
    expect(mapWebhook('issue_comment', payload, { appLogin: 'preview-helper' }).kind).toBe(
      'ignored',
    );
    expect(mapWebhook('issue_comment', payload, options).kind).toBe('comment_command');
  });
});
