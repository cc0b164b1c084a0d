import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, safeHref } from '../../../bot/server/dashboard/html.js';

describe('html', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['" onmouseover="x', '&quot; onmouseover=&quot;x'],
    ["' autofocus '", '&#39; autofocus &#39;'],
    ['a & b', 'a &amp; b'],
    ['`tpl`', '&#96;tpl&#96;'],
    ['plain text 123', 'plain text 123'],
  ])('escapes %j', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
    expect(html`<td title="${input}">${input}</td>`.value).toBe(
      `<td title="${expected}">${expected}</td>`,
    );
  });

  it('never lets an interpolated string open a tag or leave an attribute', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const out = html`<a title="${a}">${[b, a]}</a>`.value;
        const inner = out.slice('<a title="'.length, -'</a>'.length);
        expect(inner.replace('">', '')).not.toMatch(/[<>"']/);
      }),
    );
  });

  it('keeps nested html as it is and drops null and undefined', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}${null}${undefined}${3}</p>`.value).toBe('<p><b>&lt;i&gt;</b>3</p>');
  });

  it.each([
    ['https://pr-7.pr.example.com', 'https://pr-7.pr.example.com'],
    ['http://x', 'http://x'],
    ['/runs/a', '/runs/a'],
    ['javascript:alert(1)', '#'],
    ['//evil.example', '#'],
    ['data:text/html,x', '#'],
  ])('safeHref(%j) is %j', (input, expected) => {
    expect(safeHref(input)).toBe(expected);
  });
});
