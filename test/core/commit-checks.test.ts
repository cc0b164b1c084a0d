import { describe, expect, it } from 'vitest';
import { checksVerdict, type CommitCheck } from '../../bot/core/commit-checks.js';

const ok = (name: string): CommitCheck => ({ name, state: 'success' });
const wait = (name: string): CommitCheck => ({ name, state: 'pending' });
const bad = (name: string): CommitCheck => ({ name, state: 'failure' });

describe('checksVerdict', () => {
  it.each<[string, CommitCheck[], string[] | null, string, string]>([
    ['nothing reported, all required', [], null, 'pending', 'no checks reported yet'],
    ['nothing required', [], [], 'success', 'no checks required'],
    ['all passed', [ok('build'), ok('test')], null, 'success', 'passed: build, test'],
    ['one pending', [ok('build'), wait('test')], null, 'pending', 'waiting for test'],
    ['one failed', [ok('build'), bad('test'), wait('lint')], null, 'failure', 'failed: test'],
    [
      'required one passed, another failed',
      [ok('build'), bad('lint')],
      ['build'],
      'success',
      'passed: build',
    ],
    ['required one not reported yet', [ok('test')], ['build'], 'pending', 'waiting for build'],
    ['required one failed', [bad('build')], ['build', 'test'], 'failure', 'failed: build'],
    [
      'a re-run counts by its worst state',
      [ok('build'), bad('build')],
      null,
      'failure',
      'failed: build',
    ],
    [
      'many waiting are summarised',
      ['a', 'b', 'c', 'd', 'e'].map(wait),
      null,
      'pending',
      'waiting for a, b, c and 2 more',
    ],
  ])('%s', (_name, checks, required, verdict, detail) => {
    expect(checksVerdict(checks, required)).toEqual({ verdict, detail });
  });
});
