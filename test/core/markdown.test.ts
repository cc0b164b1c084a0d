import { describe, expect, it } from 'vitest';
import { codeBlock, codeSpan, escapeText } from '../../bot/core/markdown.js';

describe('escapeText', () => {
  it.each([
    ['plain words', 'Fix login', 'Fix login'],
    ['a mention', 'thanks @octocat', 'thanks @&#8203;octocat'],
    ['a team mention', '@org/team', '@&#8203;org/team'],
    ['HTML and a comment marker', '<b>x</b> --> <!--', '&lt;b&gt;x&lt;/b&gt; --&gt; &lt;\\!--'],
    ['a leading list marker', '- item', '\\- item'],
    ['a heading', '# Title', '\\# Title'],
    [
      'markdown markup',
      '**bold** [link](http://x) `code`',
      '\\*\\*bold\\*\\* \\[link\\]\\(http://x\\) \\`code\\`',
    ],
    ['a table pipe', 'a | b', 'a \\| b'],
    ['newlines', 'one\n\n# two', 'one \\# two'],
    ['an entity', '&amp;', '&amp;amp;'],
  ])('escapes %s', (_label, input, expected) => {
    expect(escapeText(input)).toBe(expected);
  });

  it('caps the length', () => {
    expect(escapeText('x'.repeat(300), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

describe('codeSpan', () => {
  it.each([
    ['feature/login', '`feature/login`'],
    ['a`b', '``a`b``'],
    ['``x', '``` ``x ```'],
    ['x|y', '`x\\|y`'],
    ['<!-- prenv:sticky pr-1 -->', '`<!- - prenv:sticky pr-1 - ->`'],
    ['two\nlines', '`two lines`'],
    ['', '` `'],
  ])('%j → %s', (input, expected) => {
    expect(codeSpan(input)).toBe(expected);
  });
});

describe('codeBlock', () => {
  it('uses a fence longer than any backtick run inside', () => {
    expect(codeBlock('a\n````\nb')).toBe('`````text\na\n````\nb\n`````');
  });

  it('defuses HTML comments and truncates long output', () => {
    expect(codeBlock('x --> y')).toBe('```text\nx - -> y\n```');
    const long = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n');
    const block = codeBlock(long, 3);
    expect(block).toBe('```text\nline 0\nline 1\nline 2\n…\n```');
  });
});
