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
      /**
       * A word after `/deploy` or `/redeploy` written like a commit (`3f2c9a`, `3f2c9a1z`) that is
       * not one: the commenter meant a commit, so the command must not approve another.
       */
      notSha?: string;
    }
  /** A near-miss such as `/deplyo`: answered with the command the user probably meant. */
  | { kind: 'unknown'; word: string; suggestion: CommandName; line: number };

const MAX_SUGGESTION_DISTANCE = 2;
const MIN_SUGGESTION_LENGTH = 3;
const TRAILING_PUNCTUATION = /[.,;:!?]+$/;
const SHA_ARGUMENT = /^[0-9a-f]{7,40}$/i;
/**
 * Words meant as a commit: letters and digits with a digit among them, or 4 or more hex digits
 * (`bbbbbb` is a short SHA as much as `3f2c9a`; refusing a rare word such as `added` costs a
 * reply, approving a commit nobody named costs a deploy of unreviewed code).
 */
const COMMIT_LIKE = /^(?=[0-9a-z]*[0-9])[0-9a-z]+$|^[0-9a-f]{4,}$/i;
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
 * `/redeploy` a commit SHA may follow (a word written like one that is not, `notSha`, is kept so
 * the command can be refused), other text after the command is ignored.
 */
export function parseCommand(body: string): ParsedCommand | null {
  const tokens = markdown.parse(body, {});
  const footnoted = footnoteLines(body, tokens);
  let insideHtml = 0;
  for (const [index, token] of tokens.entries()) {
    if (token.type === 'html_block')
      insideHtml = Math.max(0, insideHtml + htmlDepth(token.content));
    const opening = tokens[index - 1];
    if (token.type !== 'inline' || opening?.type !== 'paragraph_open' || opening.level !== 0)
      continue;
    const first = opening.map?.[0] ?? 0;
    const { lines, depth } = paragraphLines(token.children ?? [], insideHtml);
    // Markdown between `<details>` and `</details>` (or any HTML container) is not plain text.
    const hidden = insideHtml > 0 || footnoted.has(first);
    insideHtml = depth;
    if (hidden) continue;
    for (const [offset, text] of withoutDisplayMath(lines).entries()) {
      const parsed = parseLine(text.trim(), first + offset + 1);
      if (parsed) return parsed;
    }
  }
  return null;
}

/** A GFM footnote definition (`[^note]: …`); markdown-it reads it as a link reference definition. */
const FOOTNOTE_DEFINITION = /^ {0,3}\[\^[^\]\s]+\]:/;

/**
 * First lines of top-level paragraphs that are or continue a footnote definition: GitHub renders
 * `[^note]: …` and the lines that follow it without a blank line inside the footnote, while
 * markdown-it, which has no footnotes, reads a link reference definition and a paragraph.
 */
function footnoteLines(body: string, tokens: Token[]): Set<number> {
  const source = body.split(/\r\n?|\n/);
  const covered = new Set<number>();
  for (const token of tokens) {
    if (token.level !== 0 || !token.map) continue;
    for (let line = token.map[0]; line < token.map[1]; line++) covered.add(line);
  }
  const starts = new Set<number>();
  for (const token of tokens) {
    if (token.type !== 'paragraph_open' || token.level !== 0 || !token.map) continue;
    // `[^1]: a note` with no valid link destination is a paragraph to markdown-it.
    if (FOOTNOTE_DEFINITION.test(source[token.map[0]] ?? '')) starts.add(token.map[0]);
    for (let line = token.map[0] - 1; line >= 0; line--) {
      const text = source[line] ?? '';
      if (text.trim() === '' || covered.has(line)) break;
      if (FOOTNOTE_DEFINITION.test(text)) {
        starts.add(token.map[0]);
        break;
      }
    }
  }
  return starts;
}

/** A paragraph's lines without GitHub's display math (`$$` lines and what they enclose). */
function withoutDisplayMath(lines: string[]): string[] {
  let math = false;
  return lines.map((line) => {
    const fence = line.trim() === '$$';
    const inside = math || fence;
    if (fence) math = !math;
    return inside ? OPAQUE : line;
  });
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

/**
 * A paragraph's lines as plain text; anything that is not plain text becomes OPAQUE, and so does
 * text inside an HTML element opened inline (`x <details>`), here or before (`insideHtml`).
 * Returns the HTML depth after the paragraph as well.
 */
function paragraphLines(children: Token[], insideHtml: number): { lines: string[]; depth: number } {
  const lines = [''];
  const append = (text: string) => (lines[lines.length - 1] += text);
  let hidden = 0;
  let depth = insideHtml;
  for (const child of children) {
    switch (child.type) {
      case 'softbreak':
      case 'hardbreak':
        lines.push('');
        break;
      case 'text':
        append(hidden > 0 || depth > 0 ? OPAQUE : child.content);
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
        if (child.type === 'html_inline') depth = Math.max(0, depth + htmlDepth(child.content));
        append(OPAQUE);
        for (let n = child.content.split('\n').length - 1; n > 0; n--) lines.push(OPAQUE);
    }
  }
  return { lines, depth };
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
    const takesSha = exact === 'deploy' || exact === 'redeploy';
    const argument = takesSha && SHA_ARGUMENT.test(sha) ? { sha: sha.toLowerCase() } : {};
    const wrong = takesSha && !argument.sha && COMMIT_LIKE.test(sha) ? { notSha: sha } : {};
    return { kind: 'command', name: exact, line, ...argument, ...wrong };
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
