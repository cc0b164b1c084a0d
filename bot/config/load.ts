import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Node,
  type Document,
} from 'yaml';
import type { z } from 'zod';
import { configSchema } from './schema.js';
import { knownKeysAt } from './known-keys.js';
import { yamlSyntaxProblems } from './yaml-problems.js';
import { nearest } from '../core/nearest.js';
import { crossFieldProblems, withDerivedDefaults, type Config } from './config.js';

export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  /** Dotted key path such as `services.web.port`; empty for the whole file. */
  path: string;
  message: string;
}

export type LoadResult = { ok: true; config: Config } | { ok: false; problems: ConfigProblem[] };

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatProblem(p: ConfigProblem): string {
  const where = `${p.file}:${p.line}:${p.column}`;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

/** Parses and validates prenv.yml text; every problem is reported at once, with its position. */
export function parseConfig(text: string, file: string): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  // yaml's warnings (an unknown tag, an ambiguous anchor, a bad directive) are refused too: a
  // config is read strictly, and each would otherwise change a value without a word.
  const found = [...doc.errors, ...doc.warnings];
  if (found.length > 0) {
    const problems = yamlSyntaxProblems(doc, text, found, at).map((p) => ({ file, ...p }));
    return { ok: false, problems: problems.sort((a, b) => a.line - b.line || a.column - b.column) };
  }
  const converted = toPlainValue(doc, file, at);
  if (!converted.ok) return converted;
  const raw = converted.value ?? {};
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.flatMap((i) => describeIssue(i, doc, file, at));
    return { ok: false, problems: problems.sort((a, b) => a.line - b.line || a.column - b.column) };
  }
  const cross = crossFieldProblems(result.data);
  if (cross.length > 0) {
    return {
      ok: false,
      problems: cross.map((c) => ({
        file,
        ...locate(doc, c.path, at),
        path: dotted(c.path),
        message: c.other
          ? `${c.message} (${dotted(c.other)} is at line ${locate(doc, c.other, at).line})`
          : c.message,
      })),
    };
  }
  return { ok: true, config: withDerivedDefaults(result.data) };
}

/**
 * Where the key at `dottedPath` (`services.web.env.API_URL`, `services.web.route.0.path`) sits
 * in prenv.yml's `text`, 1-based; the nearest enclosing key that exists when it is missing;
 * null when the text is not YAML. For problems found after validation (while rendering).
 */
export function positionOf(
  text: string,
  dottedPath: string,
): { line: number; column: number } | null {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) return null;
  const path = dottedPath.split('.').map((key) => (/^(0|[1-9]\d*)$/.test(key) ? Number(key) : key));
  return locate(doc, path, (offset) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  });
}

export function loadConfigOrThrow(text: string, file: string): Config {
  const result = parseConfig(text, file);
  if (!result.ok) throw new ConfigError(result.problems);
  return result.config;
}

type Pos = (offset: number) => { line: number; column: number };
type PathKey = string | number;

/**
 * How many nodes aliases may expand to: prenv.yml needs few, and a "billion laughs" alias
 * bomb must fail fast with a position instead of exhausting memory (yaml's `maxAliasCount`).
 */
const MAX_ALIAS_COUNT = 100;

/** The document as plain data; an alias bomb is a problem at the top-level key holding it. */
function toPlainValue(
  doc: Document,
  file: string,
  at: Pos,
): { ok: true; value: unknown } | { ok: false; problems: ConfigProblem[] } {
  const unresolved = unresolvedAlias(doc, file, at);
  if (unresolved) return { ok: false, problems: [unresolved] };
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    const culprit = isMap(doc.contents)
      ? doc.contents.items.find((pair) => {
          try {
            (pair.value as Node | null)?.toJS(doc, { maxAliasCount: MAX_ALIAS_COUNT });
            return false;
          } catch {
            return true;
          }
        })
      : undefined;
    const node = (culprit?.value ?? doc.contents) as Node | null;
    const key = culprit ? String((culprit.key as { value?: unknown })?.value ?? culprit.key) : '';
    return {
      ok: false,
      problems: [
        {
          file,
          ...(node?.range ? at(node.range[0]) : { line: 1, column: 1 }),
          path: key,
          message: `YAML aliases here expand to too many values (${err.message}); write the values out instead of nesting anchors and aliases`,
        },
      ],
    };
  }
}

/** The first alias with no anchor before it (yaml's parser leaves these to `toJS`). */
function unresolvedAlias(doc: Document, file: string, at: Pos): ConfigProblem | undefined {
  let problem: ConfigProblem | undefined;
  visit(doc, {
    Alias(_, node, ancestors) {
      if (node.resolve(doc)) return undefined;
      const path = ancestors
        .filter(isPair)
        .map((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key))
        .join('.');
      problem = {
        file,
        ...(node.range ? at(node.range[0]) : { line: 1, column: 1 }),
        path,
        message: `YAML alias *${node.source} has no anchor &${node.source} before it; set the anchor first or write the value out`,
      };
      return visit.BREAK;
    },
  });
  return problem;
}

function describeIssue(
  issue: z.core.$ZodIssue,
  doc: Document,
  file: string,
  at: Pos,
): ConfigProblem[] {
  const path = issue.path.filter((p): p is PathKey => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      file,
      ...locateKey(doc, path, key, at),
      path: dotted([...path, key]),
      message: `unknown key "${key}"${suggestion(key, path)}`,
    }));
  }
  return [
    { file, ...locate(doc, path, at), path: dotted(path), message: messageOf(issue, doc, path) },
  ];
}

function messageOf(issue: z.core.$ZodIssue, doc: Document, path: PathKey[]): string {
  if (issue.code === 'invalid_type') {
    const value: unknown = path.length === 0 ? doc.contents : doc.getIn(path);
    const expected = EXPECTED[issue.expected] ?? issue.expected;
    if (value === undefined) return `missing required key (expected ${expected})`;
    return `expected ${expected}, got ${describeValue(value)}`;
  }
  if (issue.code === 'invalid_value')
    return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'too_small' || issue.code === 'too_big') return boundMessage(issue);
  // A record's key (an env name, a service name): the key's own check says what it must be.
  if (issue.code === 'invalid_key') return issue.issues[0]?.message ?? issue.message;
  if (issue.code === 'invalid_union') return unionMessage(issue, doc, path);
  return issue.message;
}

/** A bound in the value's own unit: a number, a string's characters, a list's items. */
function boundMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small';
  const bound = Number(small ? issue.minimum : issue.maximum);
  const unit = (one: string) => `${bound} ${one}${bound === 1 ? '' : 's'}`;
  if (issue.origin === 'string') {
    if (small && bound === 1) return 'must not be empty';
    return `must be at ${small ? 'least' : 'most'} ${unit('character')} long`;
  }
  if (issue.origin === 'array' || issue.origin === 'set') {
    if (small && bound === 1) return 'must have at least one item';
    return `must have at ${small ? 'least' : 'most'} ${unit('item')}`;
  }
  return `must be at ${small ? 'least' : 'most'} ${String(bound)}`;
}

/**
 * A value none of a union's forms takes: the forms it could have (`expected a git branch
 * name or false`) when each is a type or a literal, else zod's message for the closest form.
 */
function unionMessage(issue: z.core.$ZodIssueInvalidUnion, doc: Document, path: PathKey[]): string {
  const forms = issue.errors.map((branch) => {
    const first = branch[0];
    if (!first || first.path.length > 0) return undefined;
    if (first.code === 'invalid_type') return EXPECTED[first.expected] ?? first.expected;
    if (first.code === 'invalid_value')
      return first.values.map((v) => JSON.stringify(v)).join(' or ');
    return undefined;
  });
  const value: unknown = path.length === 0 ? doc.contents : doc.getIn(path);
  if (forms.length > 0 && forms.every((f) => f !== undefined))
    return `expected ${forms.join(' or ')}, got ${describeValue(value)}`;
  const closest = issue.errors.find((branch) => branch.length > 0)?.[0];
  return closest
    ? messageOf(closest, doc, [
        ...path,
        ...closest.path.filter((p): p is PathKey => typeof p !== 'symbol'),
      ])
    : issue.message;
}

/** zod's type names in YAML's words. */
const EXPECTED: Readonly<Record<string, string>> = {
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number' && !Number.isFinite(value)) return `${value}, past any number`;
  if (value instanceof Uint8Array) return 'binary data (!!binary)';
  // The whole file is a node (a Scalar for `hello`); Document.getIn gives the collection node
  // itself for a list or a mapping.
  if (isScalar(value)) return describeValue(value.value);
  if (isSeq(value)) return 'a list';
  if (isMap(value)) return 'a mapping';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function suggestion(key: string, path: PathKey[]): string {
  const known = knownKeysAt(configSchema, path);
  const near = nearest(key, known);
  if (near) return ` (did you mean "${near}"?)`;
  return known.length > 0 ? ` (allowed: ${known.join(', ')})` : '';
}

function locate(doc: Document, path: PathKey[], at: Pos): { line: number; column: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = (depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true)) as
      Node | null | undefined;
    if (node && typeof node === 'object' && 'range' in node && node.range) {
      return at(node.range[0]);
    }
  }
  return { line: 1, column: 1 };
}

function locateKey(
  doc: Document,
  path: PathKey[],
  key: string,
  at: Pos,
): { line: number; column: number } {
  const parent = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (isMap(parent)) {
    const pair = parent.items.find(
      (p) => String((p.key as { value?: unknown })?.value ?? p.key) === key,
    );
    const keyNode = pair?.key as Node | undefined;
    if (keyNode?.range) return at(keyNode.range[0]);
  }
  if (isSeq(parent) && parent.range) return at(parent.range[0]);
  return locate(doc, path, at);
}

function dotted(path: PathKey[]): string {
  return path.map((p) => String(p)).join('.');
}
