import MarkdownIt from 'markdown-it';
import { editDistance } from './nearest.js';

export const COMMAND_NAMES = ['deploy', 'redeploy', 'destroy', 'status', 'help'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export type ParsedCommand =
  | {
      kind: 'command';
      name: CommandName;
      line: number;
      /** `/deploy <sha>`, `/redeploy <sha>`: the commit the commenter reviewed (7 to 40 hex, lowercase). */
      sha?: string;
    }
  /** A near-miss such as `/deplyo`: answered with the command the user probably meant. */
  | { kind: 'unknown'; word: string; suggestion: CommandName; line: number };

const MAX_SUGGESTION_DISTANCE = 2;
const MIN_SUGGESTION_LENGTH = 3;
const TRAILING_PUNCTUATION = /[.,;:!?]+$/;
const SHA_ARGUMENT = /^[0-9a-f]{7,40}$/i;
/** Stands in for what is not plain text (code, HTML, links): markdown-it turns NUL into U+FFFD, so it never occurs in text. */
const OPAQUE = '\u0000';

/** GitHub-flavoured markdown as GitHub reads comments: CommonMark with raw HTML, tables, strikethrough. */
const markdown = new MarkdownIt('default', { html: true, linkify: false });
type Token = ReturnType<typeof markdown.parse>[number];

/**
 * Finds the command in a comment body. Only text GitHub renders as a top-level paragraph counts
 * (parsed with markdown-it as CommonMark): code blocks (fenced, indented, in lists), quotes, list
 * items, headings, tables, HTML blocks and comments, markdown inside HTML containers such as
 * `<details>`, and inline code, HTML, links and strikethrough are not commands. One command
 * per comment: the first paragraph line that starts
 * with `/<word>`, where the word is a command or a near-miss of one, wins. `/words` far from
 * every command (`/lgtm`, `/cc`, paths) are skipped. Case does not matter; after `/deploy` and
 * `/redeploy` a commit SHA may follow, other text after the command is ignored.
 */
export function parseCommand(body: string): ParsedCommand | null {
  const tokens = markdown.parse(body, {});
  let insideHtml = 0;
  for (const [index, token] of tokens.entries()) {
    if (token.type === 'html_block')
      insideHtml = Math.max(0, insideHtml + htmlDepth(token.content));
    const opening = tokens[index - 1];
    if (token.type !== 'inline' || opening?.type !== 'paragraph_open' || opening.level !== 0)
      continue;
    // Markdown between `<details>` and `</details>` (or any HTML container) is not plain text.
    if (insideHtml > 0) continue;
    const first = opening.map?.[0] ?? 0;
    for (const [offset, text] of paragraphLines(token.children ?? []).entries()) {
      const parsed = parseLine(text.trim(), first + offset + 1);
      if (parsed) return parsed;
    }
  }
  return null;
}

const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);
const TAG = /<(\/?)([a-z][a-z0-9-]*)\b[^>]*?(\/?)>/gi;

/** Elements an HTML block opens minus those it closes (void and self-closed tags count 0). */
function htmlDepth(html: string): number {
  let depth = 0;
  for (const [, closing, name = '', selfClosing] of html.matchAll(TAG)) {
    if (VOID_ELEMENTS.has(name.toLowerCase()) || selfClosing) continue;
    depth += closing ? -1 : 1;
  }
  return depth;
}

/** A paragraph's lines as plain text; anything that is not plain text becomes OPAQUE. */
function paragraphLines(children: Token[]): string[] {
  const lines = [''];
  const append = (text: string) => (lines[lines.length - 1] += text);
  let hidden = 0;
  for (const child of children) {
    switch (child.type) {
      case 'softbreak':
      case 'hardbreak':
        lines.push('');
        break;
      case 'text':
        append(hidden > 0 ? OPAQUE : child.content);
        break;
      case 'link_open':
      case 's_open':
        hidden++;
        append(OPAQUE);
        break;
      case 'link_close':
      case 's_close':
        hidden--;
        break;
      case 'em_open':
      case 'em_close':
      case 'strong_open':
      case 'strong_close':
        break;
      case 'code_inline':
        // Kept for an argument (`/deploy `abc1234``), never as the start of a line.
        append(`${OPAQUE}${child.content}${OPAQUE}`);
        break;
      default:
        // Inline HTML (comments too), images: opaque, and so is every line they span.
        append(OPAQUE);
        for (let n = child.content.split('\n').length - 1; n > 0; n--) lines.push(OPAQUE);
    }
  }
  return lines;
}

function parseLine(text: string, line: number): ParsedCommand | null {
  if (!text.startsWith('/')) return null;
  const [head = '', next = ''] = text.slice(1).split(/\s+/, 2);
  const token = head.replace(TRAILING_PUNCTUATION, '');
  const word = token.toLowerCase();
  if (!/^[a-z]+$/.test(word)) return null;
  const exact = COMMAND_NAMES.find((name) => name === word);
  if (exact) {
    const sha = next.replaceAll(OPAQUE, '').replace(TRAILING_PUNCTUATION, '');
    const named = (exact === 'deploy' || exact === 'redeploy') && SHA_ARGUMENT.test(sha);
    return { kind: 'command', name: exact, line, ...(named ? { sha: sha.toLowerCase() } : {}) };
  }
  const suggestion = suggest(word);
  return suggestion ? { kind: 'unknown', word: token, suggestion, line } : null;
}

/** The command nearest to `word` within two edits (first in COMMAND_NAMES order on a tie). */
export function suggest(word: string): CommandName | null {
  if (word.length < MIN_SUGGESTION_LENGTH) return null;
  let best: CommandName | null = null;
  let bestDistance = MAX_SUGGESTION_DISTANCE + 1;
  for (const name of COMMAND_NAMES) {
    const d = editDistance(word.toLowerCase(), name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}
