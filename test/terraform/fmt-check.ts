import { scanHcl } from './hcl-scan.js';

export interface FmtProblem {
  line: number;
  message: string;
}

const INDENT = 2;

/**
 * Checks HCL source against the layout `terraform fmt` produces: no tabs, no
 * trailing whitespace, one final newline, 2-space indentation by bracket
 * nesting (hclwrite's rule: a line with net open brackets indents the next
 * lines one level), and `=` aligned across consecutive single-line
 * attributes with exactly one space after the longest name.
 */
export function checkTerraformFmt(source: string): FmtProblem[] {
  const problems: FmtProblem[] = [];
  if (!source.endsWith('\n') || source.endsWith('\n\n')) {
    problems.push({
      line: source.split('\n').length,
      message: 'file must end with exactly one newline',
    });
  }
  const lines = scanHcl(source.endsWith('\n') ? source.slice(0, -1) : source);

  const indents: number[] = [];
  for (const line of lines) {
    const { text, number } = line;
    if (text.includes('\t')) problems.push({ line: number, message: 'tab character' });
    if (/[ \t]+$/.test(text)) problems.push({ line: number, message: 'trailing whitespace' });
    if (line.verbatim || text.trim() === '') continue;

    let expected: number;
    if (line.netBrackets > 0) {
      expected = INDENT * indents.length;
      indents.push(line.netBrackets);
    } else {
      let closed = -line.netBrackets;
      while (closed > 0 && indents.length > 0) {
        const top = indents[indents.length - 1]!;
        if (closed >= top) {
          closed -= top;
          indents.pop();
        } else {
          indents[indents.length - 1] = top - closed;
          closed = 0;
        }
      }
      expected = INDENT * indents.length;
    }
    const actual = text.length - text.trimStart().length;
    if (actual !== expected) {
      problems.push({ line: number, message: `indented ${actual} spaces, expected ${expected}` });
    }
  }

  problems.push(...checkAlignment(lines));
  return problems.sort((a, b) => a.line - b.line);
}

function checkAlignment(lines: ReturnType<typeof scanHcl>): FmtProblem[] {
  const problems: FmtProblem[] = [];
  let chain: typeof lines = [];
  const closeChain = () => {
    if (chain.length === 0) return;
    const leadWidth = Math.max(
      ...chain.map((l) => l.text.slice(0, l.assignColumn).trimEnd().length),
    );
    for (const l of chain) {
      if (l.assignColumn !== leadWidth + 1) {
        problems.push({
          line: l.number,
          message: `"=" at column ${l.assignColumn + 1}, expected ${leadWidth + 2} (aligned with lines ${chain[0]!.number}-${chain[chain.length - 1]!.number})`,
        });
      }
      const after = l.text.slice(l.assignColumn + 1);
      if (after.length > 0 && !/^ \S/.test(after)) {
        problems.push({ line: l.number, message: 'exactly one space expected after "="' });
      }
    }
    chain = [];
  };
  for (const line of lines) {
    const isSingleLineAttribute =
      !line.verbatim && line.assignColumn >= 0 && line.netBracketsAfterAssign === 0;
    if (isSingleLineAttribute) chain.push(line);
    else closeChain();
  }
  closeChain();
  return problems;
}
