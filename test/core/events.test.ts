import { describe, expect, it } from 'vitest';
import { mapWebhook } from '../../bot/core/events.js';
import { actionsWithExamples, example } from './webhook-examples.js';

const options = { appLogin: 'prenv[bot]', repository: 'Codertocat/Hello-World' };
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
        updatedAt: '2019-05-15T15:20:33.000Z',
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

  it('refuses a payload without a pull_request, naming the field', () => {
    const payload = { action: 'opened', repository: { full_name: 'Codertocat/Hello-World' } };
    expect(mapWebhook('pull_request', payload, options)).toEqual({
      kind: 'invalid',
      field: 'pull_request',
      message: 'pull_request: expected an object, got nothing',
    });
  });

  it('ignores other events', () => {
    expect(mapWebhook('release', {}, options)).toEqual({
      kind: 'ignored',
      reason: 'release events are not handled',
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
      writtenAt: '2019-05-15T15:20:21.000Z',
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
    expect(
      mapWebhook('issue_comment', payload, { ...options, appLogin: 'preview-helper' }).kind,
    ).toBe('ignored');
    expect(mapWebhook('issue_comment', payload, options).kind).toBe('comment_command');
  });
});

describe('mapWebhook: only the configured repository is acted on', () => {
  it.each([
    ['pull_request', () => pr('closed')],
    ['pull_request', () => pr('opened')],
    ['issue_comment', () => comment('/destroy')],
  ])('ignores a %s delivery of another repository, saying which', (name, payload) => {
    const p = payload();
    p.repository.full_name = 'someorg/other-repo';
    expect(mapWebhook(name, p, options)).toEqual({
      kind: 'ignored',
      reason: `${name}: repository someorg/other-repo is not Codertocat/Hello-World`,
    });
  });

  it.each(['codertocat/hello-world', 'CODERTOCAT/HELLO-WORLD'])(
    'compares the repository without case (%s)',
    (fullName) => {
      const p = pr('opened', (x) => (x.repository.full_name = fullName));
      expect(mapWebhook('pull_request', p, options).kind).toBe('pr_opened');
    },
  );

  it.each([
    ['no repository', (p: Payload) => delete p.repository],
    ['a repository without full_name', (p: Payload) => delete p.repository.full_name],
    ['a repository named by a number', (p: Payload) => (p.repository.full_name = 7)],
  ])('ignores a delivery with %s', (_label, edit) => {
    expect(mapWebhook('pull_request', pr('closed', edit), options)).toEqual({
      kind: 'ignored',
      reason: 'pull_request: the delivery names no repository',
    });
  });

  it('does not take a name that Unicode case folding makes equal for the configured one', () => {
    // U+212A KELVIN SIGN lowercases to an ASCII "k" in JavaScript; no GitHub name holds it.
    const kelvin = { ...options, repository: 'octokit/hello' };
    for (const name of ['octo\u212Ait/hello', 'OctoKit/Hello', 'OCTO\u212AIT/HELLO']) {
      const p = pr('opened', (x) => (x.repository.full_name = name));
      const expected = name.includes('\u212A') ? 'ignored' : 'pr_opened';
      expect(mapWebhook('pull_request', p, kelvin).kind).toBe(expected);
    }
  });

  it('does not take a similar name for the configured one', () => {
    for (const name of [
      'Codertocat/Hello-World2',
      'Codertocat/Hello-World/x',
      'Codertocat',
      'Codertocat/Hello-World ',
      ' Codertocat/Hello-World',
      'Codertocat/Hello-World\u200b',
      'Codertocat/H\u0435llo-World',
      'Codertocat/Hello_World',
      'Codertocat//Hello-World',
      'Hello-World/Codertocat',
    ]) {
      const p = pr('opened', (x) => (x.repository.full_name = name));
      expect(mapWebhook('pull_request', p, options).kind).toBe('ignored');
    }
  });
});

describe('mapWebhook: fields the core relies on are checked at the edge', () => {
  const cases: [string, string, (p: Payload) => void, string][] = [
    ['pull_request', 'pull_request.number', (p) => (p.pull_request.number = 0), '0'],
    ['pull_request', 'pull_request.number', (p) => (p.pull_request.number = -1), '-1'],
    ['pull_request', 'pull_request.number', (p) => (p.pull_request.number = 1.5), '1.5'],
    ['pull_request', 'pull_request.number', (p) => (p.pull_request.number = 1e21), '1e+21'],
    ['pull_request', 'pull_request.number', (p) => (p.pull_request.number = '7'), '"7"'],
    ['pull_request', 'pull_request.number', (p) => (p.pull_request.number = null), 'null'],
    [
      'pull_request',
      'pull_request.head.sha',
      (p) => (p.pull_request.head.sha = 'ec26c3e'),
      '"ec26c3e"',
    ],
    [
      'pull_request',
      'pull_request.head.sha',
      (p) => (p.pull_request.head.sha = 'Z'.repeat(40)),
      `"${'Z'.repeat(40)}"`,
    ],
    [
      'pull_request',
      'pull_request.head.sha',
      (p) => (p.pull_request.head.sha = `${'a'.repeat(40)}\n`),
      '"' + 'a'.repeat(40) + '\\n"',
    ],
    ['pull_request', 'pull_request.head.sha', (p) => delete p.pull_request.head, 'nothing'],
    ['pull_request', 'pull_request.state', (p) => (p.pull_request.state = 'merged'), '"merged"'],
    [
      'pull_request',
      'pull_request.updated_at',
      (p) => (p.pull_request.updated_at = 'yesterday'),
      '"yesterday"',
    ],
    // A draft flagged in any other way than a boolean must not be read as ready.
    ['pull_request', 'pull_request.draft', (p) => (p.pull_request.draft = 'true'), '"true"'],
    ['pull_request', 'pull_request.draft', (p) => (p.pull_request.draft = null), 'null'],
    ['pull_request', 'pull_request.draft', (p) => (p.pull_request.draft = 1), '1'],
    ['pull_request', 'pull_request.merged', (p) => (p.pull_request.merged = 'yes'), '"yes"'],
    ['pull_request', 'action', (p) => (p.action = 'Opened'), '"Opened"'],
    ['pull_request', 'action', (p) => (p.action = 7), '7'],
    ['pull_request', 'action', (p) => delete p.action, 'nothing'],
    ['issue_comment', 'issue.number', (p) => (p.issue.number = 0), '0'],
    ['issue_comment', 'comment.id', (p) => (p.comment.id = -5), '-5'],
    [
      'issue_comment',
      'comment.created_at',
      (p) => (p.comment.created_at = '2019-13-45T99:00:00Z'),
      '"2019-13-45T99:00:00Z"',
    ],
    ['issue_comment', 'comment.body', (p) => (p.comment.body = { text: '/deploy' }), 'an object'],
    ['issue_comment', 'action', (p) => (p.action = 'created '), '"created "'],
  ];

  it.each(cases)('%s: refuses %s = %s', (name, field, edit, shown) => {
    const payload = name === 'pull_request' ? pr('closed', edit) : comment('/deploy', edit);
    const event = mapWebhook(name, payload, options);
    expect(event).toMatchObject({ kind: 'invalid', field });
    expect(event.kind === 'invalid' && event.message).toContain(`got ${shown}`);
  });

  it('checks every handled pull_request action, closed included', () => {
    for (const action of ['opened', 'reopened', 'ready_for_review', 'synchronize', 'closed']) {
      const p = pr(action === 'synchronize' ? 'synchronize' : 'opened', (x) => {
        x.action = action;
        x.pull_request.number = 0;
      });
      expect(mapWebhook('pull_request', p, options)).toMatchObject({
        kind: 'invalid',
        field: 'pull_request.number',
      });
    }
  });

  it('does not check the fields of actions it ignores', () => {
    const p = pr('labeled', (x) => (x.pull_request.number = 0));
    expect(mapWebhook('pull_request', p, options).kind).toBe('ignored');
  });
});
