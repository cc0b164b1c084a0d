/**
 * Escaping for user-controlled text (branch names, titles, logins, error output) placed into
 * GitHub-flavoured markdown, so it cannot add markup, ping people, or forge our hidden marker.
 */

const ZERO_WIDTH_SPACE = '&#8203;';
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()#!|~]/g;

/** Breaks HTML comment delimiters, which matter even inside code (our marker is one). */
function defuseComments(text: string): string {
  return text.replaceAll('<!--', '<!- -').replaceAll('-->', '- ->');
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Plain inline text: no markup, no HTML, no @mentions; newlines collapsed, length capped. */
export function escapeText(text: string, max = 200): string {
  return oneLine(text, max)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`)
    .replace(/^([+-])/, '\\$1')
    .replaceAll('@', `@${ZERO_WIDTH_SPACE}`);
}

/**
 * An inline code span that holds `text` verbatim: the fence is one backtick longer than the
 * longest run inside. `|` is escaped so the span can sit in a table cell.
 */
export function codeSpan(text: string, max = 120): string {
  const content = defuseComments(oneLine(text, max)).replaceAll('|', '\\|');
  if (content === '') return '` `';
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = content.startsWith('`') || content.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/** A fenced code block for multi-line text such as error output; its fence cannot be closed early. */
export function codeBlock(text: string, maxLines = 30, maxChars = 4000): string {
  let body = defuseComments(text.replace(/\r\n?/g, '\n')).trimEnd();
  if (body.length > maxChars) body = `${body.slice(0, maxChars)}\n…`;
  const lines = body.split('\n');
  if (lines.length > maxLines) body = [...lines.slice(0, maxLines), '…'].join('\n');
  const longest = Math.max(0, ...[...body.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${body}\n${fence}`;
}
