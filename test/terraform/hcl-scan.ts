/**
 * A line scanner for HCL source, just enough to reproduce `terraform fmt`'s
 * indentation and `=` alignment rules: it knows strings with `${…}`
 * interpolation, comments and heredocs, and reports per line the bracket
 * balance and the position of a top-level `=`.
 */
export interface ScannedLine {
  /** 1-based line number. */
  number: number;
  text: string;
  /** Line is the body or terminator of a heredoc, or inside a block comment. */
  verbatim: boolean;
  /** Net change of `{ [ ( ${` minus closers on this line. */
  netBrackets: number;
  /** Column (0-based) of the first `=` that is an assignment, or -1. */
  assignColumn: number;
  /** Net bracket change from the `=` to the end of the line. */
  netBracketsAfterAssign: number;
}

const OPENERS = new Set(['{', '[', '(']);
const CLOSERS = new Set(['}', ']', ')']);

export function scanHcl(source: string): ScannedLine[] {
  const lines = source.split('\n');
  const result: ScannedLine[] = [];
  let heredocEnd: string | null = null;
  let inBlockComment = false;
  // Stack of open string/interpolation contexts carried across lines.
  const stack: ('str' | 'interp')[] = [];

  lines.forEach((text, index) => {
    const line: ScannedLine = {
      number: index + 1,
      text,
      verbatim: false,
      netBrackets: 0,
      assignColumn: -1,
      netBracketsAfterAssign: 0,
    };
    result.push(line);
    if (heredocEnd !== null) {
      line.verbatim = true;
      if (text.trim() === heredocEnd) heredocEnd = null;
      return;
    }
    if (inBlockComment) line.verbatim = true;

    let i = 0;
    const bump = (delta: number) => {
      line.netBrackets += delta;
      if (line.assignColumn >= 0) line.netBracketsAfterAssign += delta;
    };
    while (i < text.length) {
      const c = text[i]!;
      const next = text[i + 1];
      if (inBlockComment) {
        if (c === '*' && next === '/') {
          inBlockComment = false;
          i += 2;
          continue;
        }
        i++;
        continue;
      }
      const top = stack[stack.length - 1];
      if (top === 'str') {
        if (c === '\\') {
          i += 2;
          continue;
        }
        if ((c === '$' || c === '%') && next === '{') {
          if (text[i - 1] === c) {
            i += 2; // $${ or %%{ is an escaped literal
            continue;
          }
          stack.push('interp');
          bump(1);
          i += 2;
          continue;
        }
        if (c === '"') stack.pop();
        i++;
        continue;
      }
      // Code, at top level or inside an interpolation.
      if (c === '#' || (c === '/' && next === '/')) break;
      if (c === '/' && next === '*') {
        inBlockComment = true;
        i += 2;
        continue;
      }
      if (c === '"') {
        stack.push('str');
        i++;
        continue;
      }
      if (c === '<' && next === '<' && stack.length === 0) {
        const match = /^<<-?([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(text.slice(i));
        if (match) {
          heredocEnd = match[1]!;
          break;
        }
      }
      if (top === 'interp' && c === '}') {
        stack.pop();
        bump(-1);
        i++;
        continue;
      }
      if (OPENERS.has(c)) bump(1);
      else if (CLOSERS.has(c)) bump(-1);
      else if (c === '=' && stack.length === 0 && line.assignColumn < 0 && line.netBrackets === 0) {
        const prev = text[i - 1];
        const isOperator =
          next === '=' ||
          next === '>' ||
          prev === '=' ||
          prev === '!' ||
          prev === '<' ||
          prev === '>';
        if (!isOperator) line.assignColumn = i;
      }
      i++;
    }
  });
  return result;
}
