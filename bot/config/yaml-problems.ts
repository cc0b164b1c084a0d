import { isMap, isScalar, isSeq, type Document, type Node, type YAMLError } from 'yaml';

type PathKey = string | number;

/** One entry on the way down to an offset: its key path and its value node. */
interface Step {
  path: PathKey[];
  node: Node | null;
}

/** A YAML syntax problem (yaml's error or warning): its 1-based position, key path and message. */
export interface YamlSyntaxProblem {
  line: number;
  column: number;
  /** Dotted key path such as `services.web.image`; empty for the whole file. */
  path: string;
  message: string;
}

/** 1-based line and column of a character offset (yaml's `LineCounter`). */
export type Position = (offset: number) => { line: number; column: number };

/** Problems that concern the file as a whole, not an entry. */
const WHOLE_FILE = new Set(['MULTIPLE_DOCS', 'BAD_DIRECTIVE']);

/**
 * yaml's errors and warnings (a duplicate key, a tab as indentation, an unclosed quote or flow
 * collection, an unknown tag, an ambiguous anchor…) as problems at a key path: the innermost
 * entry the problem is in or directly follows. The document yaml builds despite the errors
 * gives the path; an unclosed quote is placed where its string starts. `fileKind` names the
 * file in advice (`prenv.yml`, `a Compose file`).
 */
export function yamlSyntaxProblems(
  doc: Document,
  text: string,
  found: readonly YAMLError[],
  at: Position,
  fileKind = 'prenv.yml',
): YamlSyntaxProblem[] {
  return found.map((e) => {
    const { offset, path, message } = describe(doc, text, e, at, fileKind);
    return { ...at(offset), path, message };
  });
}

function describe(
  doc: Document,
  text: string,
  e: YAMLError,
  at: Position,
  fileKind: string,
): { offset: number; path: string; message: string } {
  const first = lowerFirst(e.message.split('\n')[0] ?? e.message);
  if (WHOLE_FILE.has(e.code))
    return { offset: e.pos[0], path: '', message: wholeFile(e, first, fileKind) };
  // An unterminated string or flow collection is reported at the end of the text: what it
  // belongs to ends just before.
  const unterminated = e.code === 'MISSING_CHAR' || /sufficiently indented and end/.test(first);
  const steps = stepsTo(doc, unterminated ? Math.max(0, e.pos[0] - 1) : e.pos[0]);
  const last = steps.at(-1);
  const path = (last?.path ?? []).map(String).join('.');
  const offset = e.pos[0];
  switch (e.code) {
    case 'MISSING_CHAR':
      return last?.node?.range && isScalar(last.node)
        ? {
            offset: last.node.range[0],
            path,
            message: `the string that starts here has no closing ${quoteOf(e)} before the end of the file; close it on its line`,
          }
        : { offset, path, message: first };
    case 'DUPLICATE_KEY':
      return { offset, path, message: duplicate(steps, e, at) ?? first };
    case 'BLOCK_AS_IMPLICIT_KEY': {
      // `image: acme/web: latest` reads as a mapping inside the value: name the value's key.
      const value = steps.find((step) => step.node?.range?.[0] === offset) ?? last;
      return {
        offset,
        path: (value?.path ?? []).map(String).join('.'),
        message: `${first}; a value holding ": " must be quoted`,
      };
    }
    case 'TAB_AS_INDENT':
      return { offset, path, message: 'tabs are not allowed as indentation; indent with spaces' };
    case 'TAG_RESOLVE_FAILED':
      return {
        offset,
        path,
        message: `unknown YAML tag ${text.slice(e.pos[0], e.pos[1]).trim()}; ${fileKind} takes plain values, so remove the tag`,
      };
    default:
      return { offset, path, message: first };
  }
}

function wholeFile(e: YAMLError, first: string, fileKind: string): string {
  if (e.code === 'MULTIPLE_DOCS')
    return `a second YAML document starts here; ${fileKind} is one document, so remove this "---" and merge what follows`;
  return first;
}

/** `duplicate key "web" (first at line 4)`, from the earlier pair of the same map. */
function duplicate(steps: Step[], e: YAMLError, at: Position): string | null {
  const key = steps.at(-1)?.path.at(-1);
  const parent = steps.at(-2)?.node ?? null;
  if (key === undefined || !isMap(parent)) return null;
  const earlier = parent.items.find(
    (pair) => isScalar(pair.key) && String(pair.key.value) === String(key),
  );
  const start = (earlier?.key as Node | null | undefined)?.range?.[0];
  const where = start !== undefined && start < e.pos[0] ? ` (first at line ${at(start).line})` : '';
  return `duplicate key "${String(key)}"${where}; keep one of them`;
}

/**
 * The entries from the document down to the innermost one whose key starts at or before
 * `offset` and whose value reaches it (or that has no value yet: `services:` followed by a
 * broken line). The first step is the document itself, with an empty path.
 */
function stepsTo(doc: Document, offset: number): Step[] {
  const steps: Step[] = [{ path: [], node: doc.contents as Node | null }];
  for (;;) {
    const { path, node } = steps.at(-1) as Step;
    const next = childAt(node, offset);
    if (!next) return steps;
    steps.push({ path: [...path, next.key], node: next.node });
  }
}

function childAt(node: Node | null, offset: number): { key: PathKey; node: Node | null } | null {
  if (isMap(node)) {
    let hit: { key: PathKey; node: Node | null; end: number | undefined } | null = null;
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const start = keyNode?.range?.[0] ?? (pair.value as Node | null)?.range?.[0];
      if (start === undefined || start > offset) break;
      const value = pair.value as Node | null;
      hit = {
        key: isScalar(keyNode) ? String(keyNode.value) : String(keyNode),
        node: value,
        end: value?.range?.[2],
      };
    }
    if (!hit) return null;
    // `services:` and then a line yaml could not read: the line is what `services` holds.
    const empty = hit.node === null || (isScalar(hit.node) && hit.node.source === '');
    return empty || hit.end === undefined || offset <= hit.end ? hit : null;
  }
  if (isSeq(node)) {
    let hit: { key: PathKey; node: Node | null } | null = null;
    node.items.forEach((item, index) => {
      const range = (item as Node | null)?.range;
      if (range && range[0] <= offset && offset <= range[2])
        hit = { key: index, node: item as Node };
    });
    return hit;
  }
  return null;
}

function quoteOf(e: YAMLError): string {
  return e.message.includes("'") ? "'" : '"';
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
