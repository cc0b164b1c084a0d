import { isAlias, isNode, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { yamlSyntaxProblems } from '../../bot/config/yaml-problems.js';

/** A problem in the Compose input, at `file:line:column` when the position is known. */
export interface ComposeProblem {
  file: string;
  line: number;
  column: number;
  /** Dotted key path such as `services.web.image`; empty when the problem is not at a key. */
  path: string;
  message: string;
}

export function formatComposeProblem(p: ComposeProblem): string {
  const where = `${p.file}:${p.line}:${p.column}`;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

/** The parsed Compose document, with what is needed to point back into the text. */
export interface ComposeSource {
  file: string;
  value: unknown;
  /** Line and column (1-based) of the node at a key path, or of its nearest ancestor. */
  positionOf(path: readonly (string | number)[]): { line: number; column: number };
}

export type ParseResult =
  { ok: true; source: ComposeSource } | { ok: false; problems: ComposeProblem[] };

/**
 * How often one anchor's content may be repeated through aliases (the `yaml` package counts
 * uses × aliases nested inside). Its default of 100 refuses large real Compose files that
 * reuse `x-` blocks; 10,000 still stops exponential "billion laughs" documents, whose
 * count grows by a factor at every level.
 */
export const MAX_ALIAS_COUNT = 10_000;

/**
 * Parses Compose YAML as Docker Compose does (compose-go reads YAML 1.2 with merge keys):
 * `<<: *anchor` merges, aliases resolve, and every error carries its line and column; a syntax
 * error also its key path, in the words prenv.yml's reader uses (`yamlSyntaxProblems`).
 */
export function parseComposeYaml(text: string, file: string): ParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    merge: true,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const problem = (offset: number, message: string): ComposeProblem => ({
    file,
    ...at(offset),
    path: '',
    message,
  });
  // Errors only: yaml warns of tags it does not know, and Compose's own (`!reset`, `!override`)
  // are among them.
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: yamlSyntaxProblems(doc, text, doc.errors, at, 'a Compose file').map((p) => ({
        file,
        ...p,
      })),
    };
  }
  const unknown = unknownAliases(doc);
  if (unknown.length > 0) {
    return {
      ok: false,
      problems: unknown.map((a) => problem(a.offset, `unknown alias "${a.name}"`)),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    return { ok: false, problems: [problem(0, (err as Error).message)] };
  }
  return {
    ok: true,
    source: { file, value, positionOf: (path) => at(offsetOf(doc, path)) },
  };
}

/** Aliases whose anchor is not defined before them (YAML reads anchors in document order). */
function unknownAliases(doc: Document): { name: string; offset: number }[] {
  const seen = new Set<string>();
  const out: { name: string; offset: number }[] = [];
  visit(doc, (_key, node) => {
    if (isAlias(node)) {
      if (!seen.has(node.source)) out.push({ name: node.source, offset: node.range?.[0] ?? 0 });
    } else if (isNode(node) && node.anchor) {
      seen.add(node.anchor);
    }
  });
  return out;
}

function offsetOf(doc: Document, path: readonly (string | number)[]): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = (depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true)) as
      Node | null | undefined;
    if (node && typeof node === 'object' && 'range' in node && node.range) return node.range[0];
  }
  return 0;
}
