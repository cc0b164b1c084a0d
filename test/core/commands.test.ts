import { describe, expect, it } from 'vitest';
import { parseCommand, suggest } from '../../bot/core/commands.js';

describe('parseCommand', () => {
  it.each([
    ['/deploy', 'deploy'],
    ['/redeploy', 'redeploy'],
    ['/destroy', 'destroy'],
    ['/status', 'status'],
    ['/help', 'help'],
    ['  /DEPLOY  ', 'deploy'],
    ['\t/Redeploy\r\n', 'redeploy'],
    ['/deploy please, thanks', 'deploy'],
    ['/deploy.', 'deploy'],
    ['Looks good.\n/deploy', 'deploy'],
    ['/lgtm\n/destroy', 'destroy'],
    ['> /destroy\n/status', 'status'],
    ['```\n/destroy\n```\n/help', 'help'],
    ['~~~sh\n/destroy\n~~~\n/help', 'help'],
    ['````\n```\n/destroy\n````\n/status', 'status'],
  ])('%j is the %s command', (body, name) => {
    expect(parseCommand(body)).toMatchObject({ kind: 'command', name });
  });

  it('reports the line of the command and lets the first command win', () => {
    expect(parseCommand('hi\n\n/destroy\n/deploy')).toEqual({
      kind: 'command',
      name: 'destroy',
      line: 3,
    });
  });

  it.each([
    ['plain text', 'please deploy this'],
    ['a command not at the start of a line', 'could you /deploy it?'],
    ['inline code', '`/deploy` is how you do it'],
    ['a quoted reply', '> /deploy\n\nI agree'],
    ['a nested quote', '> > /deploy'],
    ['a fenced block', '```\n/deploy\n```'],
    ['a tilde fence', '~~~\n/deploy\n~~~'],
    ['an unclosed fence', 'see:\n```\n/deploy'],
    ['a fence closed by the other character', '```\n~~~\n/deploy'],
    ['a path', '/usr/bin/deploy'],
    ['a command glued to text', '/deploying'],
    ['another bot’s command', '/lgtm'],
    ['a word too short to guess', '/de'],
    ['a slash alone', '/'],
    ['an empty body', ''],
  ])('ignores %s', (_label, body) => {
    expect(parseCommand(body)).toBeNull();
  });

  it.each([
    ['/deplyo', 'deplyo', 'deploy'],
    ['/redploy', 'redploy', 'redeploy'],
    ['/destory', 'destory', 'destroy'],
    ['/Stauts', 'Stauts', 'status'],
    ['/hlep', 'hlep', 'help'],
    ['/stat', 'stat', 'status'],
  ])('%j is a near-miss of a command', (body, word, suggestion) => {
    expect(parseCommand(body)).toEqual({ kind: 'unknown', word, suggestion, line: 1 });
  });
});

describe('suggest', () => {
  it.each([
    ['deplo', 'deploy'],
    ['redeplyo', 'redeploy'],
    ['xyzzy', null],
    ['cc', null],
    ['assign', null],
  ])('%s → %s', (word, expected) => {
    expect(suggest(word)).toBe(expected);
  });
});
