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
    ['  /Redeploy\r\n', 'redeploy'],
    ['/deploy please, thanks', 'deploy'],
    ['/deploy.', 'deploy'],
    ['Looks good.\n/deploy', 'deploy'],
    ['/lgtm\n/destroy', 'destroy'],
    ['> /destroy\n\n/status', 'status'],
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

describe('parseCommand reads only what GitHub renders as paragraph text', () => {
  it.each([
    ['an indented code block', '    /destroy'],
    ['a tab-indented code block', '\t/destroy'],
    ['an indented block after a blank line', 'see:\n\n    /destroy'],
    ['a fence in a list item', '- steps:\n\n  ```\n  /destroy\n  ```'],
    ['a fence in a numbered list item', '1. run\n   ~~~\n   /destroy\n   ~~~'],
    ['an HTML comment', '<!-- /destroy -->'],
    ['a multi-line HTML comment', '<!--\n/destroy\n-->'],
    ['an HTML comment inside a paragraph', 'thanks <!--\n/destroy\n--> bye'],
    ['a <pre> block', '<pre>\n/destroy\n</pre>'],
    ['a <details> block', '<details>\n/destroy\n</details>'],
    ['inline HTML at the start of a line', '<b>/destroy</b> now'],
    ['a lazy continuation of a quote', '> I would\n/destroy'],
    ['a quote in a list', '- > /destroy'],
    ['a list item', '- /destroy'],
    ['a heading', '# /destroy'],
    ['a setext heading', '/destroy\n---'],
    ['a table cell', '| a |\n| - |\n| /destroy |'],
    ['a link', '[/destroy](https://example.com)'],
    ['strikethrough', '~~/destroy~~'],
    ['inline code with a leading space', '` /destroy`'],
    ['an unclosed fence in a list', '* x\n\n  ```\n  /destroy'],
    ['markdown inside <details>', '<details>\n<summary>log</summary>\n\n/destroy\n\n</details>'],
    ['markdown inside a <div>', '<div align="center">\n\n/destroy\n\n</div>'],
    ['markdown inside nested HTML', '<div>\n<details>\n\nok\n\n</details>\n\n/destroy\n\n</div>'],
  ])('ignores %s', (_label, body) => {
    expect(parseCommand(body)).toBeNull();
  });

  it.each([
    ['emphasis', '**/deploy**', 'deploy'],
    ['a paragraph after a code block', '    /destroy\n\n/status', 'status'],
    ['a paragraph after an HTML comment', '<!-- /destroy -->\n\n/help', 'help'],
    [
      'a paragraph after a closed <details>',
      '<details>\n\n/destroy\n\n</details>\n\n/status',
      'status',
    ],
    ['a paragraph after an image', '<img src="x.png">\n\n/status', 'status'],
    ['the second line of a paragraph', 'LGTM\n/deploy', 'deploy'],
    ['a command followed by inline code', '/deploy `now`', 'deploy'],
  ])('reads %s', (_label, body, name) => {
    expect(parseCommand(body)).toMatchObject({ kind: 'command', name });
  });

  it('numbers the line in the comment', () => {
    expect(parseCommand('<!--\nhidden\n-->\n\nok\n/status')).toMatchObject({ line: 6 });
  });
});

describe('parseCommand: the commit a deploy names', () => {
  it.each([
    ['/deploy 3f2c9a1', '3f2c9a1'],
    [
      '/deploy 3F2C9A1E5B7D4C0A9E8F6B2D1C3A5E7F9B0D2C4E',
      '3f2c9a1e5b7d4c0a9e8f6b2d1c3a5e7f9b0d2c4e',
    ],
    ['/redeploy 3f2c9a1.', '3f2c9a1'],
    ['/deploy `3f2c9a1`', '3f2c9a1'],
  ])('%j names %s', (body, sha) => {
    expect(parseCommand(body)).toMatchObject({ kind: 'command', sha });
  });

  it.each(['/deploy please', '/deploy 3f2c9a', '/deploy 3f2c9a1z', '/destroy 3f2c9a1'])(
    '%j names no commit',
    (body) => {
      const parsed = parseCommand(body);
      expect(parsed).not.toBeNull();
      expect(parsed).not.toHaveProperty('sha');
    },
  );
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
