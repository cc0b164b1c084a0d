import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapWebhook } from '../../bot/core/events.js';
import { example } from './webhook-examples.js';

const options = { appLogin: 'prenv[bot]', repository: 'Codertocat/Hello-World' };
type Payload = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const file = createRequire(import.meta.url).resolve('@octokit/webhooks-examples');
const groups = JSON.parse(readFileSync(file, 'utf8')) as { name: string; examples: Payload[] }[];

/** GitHub's example push payload (they carry no `action`) matching `match`. */
function pushExample(match: (p: Payload) => boolean): Payload {
  const found = groups.find((g) => g.name === 'push')!.examples.find(match);
  if (!found) throw new Error('no such push example');
  return structuredClone(found);
}
const branchPush = () => pushExample((p) => p.ref === 'refs/heads/master' && !p.deleted);

describe('mapWebhook: push', () => {
  it('maps a real push to a branch to branch_pushed with the default branch', () => {
    const payload = branchPush();
    expect(mapWebhook('push', payload, options)).toEqual({
      kind: 'branch_pushed',
      branch: 'master',
      sha: payload.after,
      defaultBranch: 'master',
    });
  });

  it.each([
    ['a tag', pushExample((p) => p.ref.startsWith('refs/tags/') && !p.deleted), /not a branch/],
    [
      'a deleted branch',
      { ...branchPush(), deleted: true, after: '0'.repeat(40) },
      /deleted branch master/,
    ],
    [
      'a foreign repository',
      { ...branchPush(), repository: { ...branchPush().repository, full_name: 'evil/fork' } },
      /repository evil\/fork is not Codertocat\/Hello-World/,
    ],
    ['no repository', { ...branchPush(), repository: undefined }, /names no repository/],
  ])('ignores a push of %s', (_what, payload, reason) => {
    const event = mapWebhook('push', payload, options);
    expect(event).toMatchObject({ kind: 'ignored' });
    expect((event as { reason: string }).reason).toMatch(reason);
  });

  it.each([
    ['after', 'not-a-sha'],
    ['ref', ''],
    ['deleted', 'no'],
    ['repository.default_branch', ''],
  ])('refuses a push whose %s is %j, naming the field', (path, value) => {
    const payload = branchPush();
    const keys = path.split('.');
    let at = payload;
    for (const key of keys.slice(0, -1)) at = at[key];
    at[keys.at(-1)!] = value;
    expect(mapWebhook('push', payload, options)).toMatchObject({ kind: 'invalid', field: path });
  });
});

describe('mapWebhook: check_suite and status', () => {
  it('maps a completed check suite to checks_changed of its head commit', () => {
    const payload = example('check_suite', 'completed');
    expect(mapWebhook('check_suite', payload, options)).toEqual({
      kind: 'checks_changed',
      sha: (payload as Payload).check_suite.head_sha,
    });
  });

  it.each(['requested', 'rerequested'])('ignores check_suite.%s', (action) => {
    expect(mapWebhook('check_suite', example('check_suite', action), options)).toMatchObject({
      kind: 'ignored',
    });
  });

  it.each(['success', 'failure', 'error'])('maps a %s status to checks_changed', (state) => {
    const payload = groups.find((g) => g.name === 'status')!.examples[0]!;
    const copy: Payload = { ...structuredClone(payload), state };
    expect(mapWebhook('status', copy, options)).toEqual({ kind: 'checks_changed', sha: copy.sha });
  });

  it('ignores a pending status and refuses a state GitHub never sends', () => {
    const payload = structuredClone(groups.find((g) => g.name === 'status')!.examples[0]!);
    expect(mapWebhook('status', { ...payload, state: 'pending' }, options)).toMatchObject({
      kind: 'ignored',
    });
    expect(mapWebhook('status', { ...payload, state: 'green' }, options)).toMatchObject({
      kind: 'invalid',
      field: 'state',
    });
  });

  it('ignores checks of a foreign repository', () => {
    const payload = example('check_suite', 'completed') as Payload;
    payload.repository.full_name = 'evil/fork';
    expect(mapWebhook('check_suite', payload, options)).toMatchObject({ kind: 'ignored' });
  });
});
