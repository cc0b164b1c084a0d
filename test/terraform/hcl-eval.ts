import { getExpressionAst } from '@cdktf/hcl2json';

/**
 * Evaluates the small part of the Terraform expression language that names,
 * labels and validation conditions in terraform/ use, over the syntax tree
 * that @cdktf/hcl2json (HCL's own parser) returns. Anything outside that part
 * throws, so a test never silently evaluates something it does not understand.
 */
export type HclValue = string | number | boolean | null | HclValue[] | { [key: string]: HclValue };

export interface EvalScope {
  var: Record<string, HclValue>;
  /** Local values as hcl2json renders them (expression source in `${…}`). */
  local?: Record<string, unknown>;
  count?: { index: number };
}

interface AstNode {
  type: string;
  children: AstNode[];
  meta: Record<string, unknown>;
}

/** Evaluates an attribute value as hcl2json renders it: a literal, or a template. */
export async function evaluateRendered(rendered: unknown, scope: EvalScope): Promise<HclValue> {
  if (typeof rendered === 'number' || typeof rendered === 'boolean' || rendered === null)
    return rendered;
  if (isPlainObject(rendered)) {
    const entries = await Promise.all(
      Object.entries(rendered).map(
        async ([k, v]) => [k, await evaluateRendered(v, scope)] as const,
      ),
    );
    return Object.fromEntries(entries);
  }
  if (typeof rendered !== 'string') throw new Error(`cannot evaluate ${JSON.stringify(rendered)}`);
  if (!rendered.includes('${') && !rendered.includes('%{')) return rendered;
  const ast = (await getExpressionAst('eval.tf', `"${rendered}"`)) as AstNode | null;
  if (ast === null) throw new Error(`no expression in ${rendered}`);
  return evaluateNode(ast, scope);
}

async function evaluateNode(node: AstNode, scope: EvalScope): Promise<HclValue> {
  const kids = node.children;
  switch (node.type) {
    case 'templateWrap':
      return evaluateNode(only(kids), scope);
    case 'template': {
      if (kids.length === 1 && kids[0]!.type !== 'literalValue')
        return evaluateNode(kids[0]!, scope);
      const parts = await Promise.all(kids.map((k) => evaluateNode(k, scope)));
      return parts.map((p) => toStringValue(p)).join('');
    }
    case 'literalValue': {
      const { type, value } = node.meta as { type: string; value: string };
      if (type === 'number') return Number(value);
      if (type === 'bool') return value === 'true';
      if (type === 'string') return value;
      throw new Error(`unsupported literal type ${type}`);
    }
    case 'tuple':
      return Promise.all(kids.map((k) => evaluateNode(k, scope)));
    case 'object': {
      // Bare keys carry no syntax node of their own; the item sources do.
      const items = node.meta.items as Record<string, string>;
      const entries = await Promise.all(
        Object.entries(items).map(async ([key, source]) => {
          const name = key.startsWith('"') ? (JSON.parse(key) as string) : key;
          return [name, await evaluateRendered(`\${${source}}`, scope)] as const;
        }),
      );
      return Object.fromEntries(entries);
    }
    case 'scopeTraversal':
      return traverse(node, scope);
    case 'unaryOp': {
      const value = await evaluateNode(only(kids), scope);
      if (node.meta.operator === 'logicalNot') return !asBool(value);
      if (node.meta.operator === 'negate') return -asNumber(value);
      throw new Error(`unsupported unary operator ${String(node.meta.operator)}`);
    }
    case 'binaryOp':
      return binary(String(node.meta.operator), kids, scope);
    case 'conditional': {
      const [cond, yes, no] = kids as [AstNode, AstNode, AstNode];
      return asBool(await evaluateNode(cond, scope))
        ? evaluateNode(yes, scope)
        : evaluateNode(no, scope);
    }
    case 'function':
      return callFunction(String(node.meta.name), kids, scope);
    default:
      throw new Error(`unsupported expression node ${node.type}: ${String(node.meta.value)}`);
  }
}

async function traverse(node: AstNode, scope: EvalScope): Promise<HclValue> {
  const steps = node.meta.traversal as { type: string; segment: string }[];
  const path = steps.map((s) => (s.type === 'nameTraversal' ? s.segment : '?')).join('.');
  const [root, name, ...rest] = steps.map((s) => s.segment);
  if (rest.length > 0 || steps.some((s) => s.type !== 'nameTraversal')) {
    throw new Error(`unsupported reference ${path}`);
  }
  if (root === 'var' && name !== undefined) {
    if (!(name in scope.var)) throw new Error(`var.${name} has no value in this evaluation`);
    return scope.var[name]!;
  }
  if (root === 'local' && name !== undefined && scope.local && name in scope.local) {
    return evaluateRendered(scope.local[name], scope);
  }
  if (root === 'count' && name === 'index' && scope.count) return scope.count.index;
  throw new Error(`unsupported reference ${path}`);
}

async function binary(operator: string, kids: AstNode[], scope: EvalScope): Promise<HclValue> {
  const [l, r] = kids as [AstNode, AstNode];
  const left = await evaluateNode(l, scope);
  const right = await evaluateNode(r, scope);
  switch (operator) {
    case 'logicalAnd':
      return asBool(left) && asBool(right);
    case 'logicalOr':
      return asBool(left) || asBool(right);
    case 'equal':
      return JSON.stringify(left) === JSON.stringify(right);
    case 'notEqual':
      return JSON.stringify(left) !== JSON.stringify(right);
    case 'greaterThan':
      return asNumber(left) > asNumber(right);
    case 'greaterThanOrEqual':
      return asNumber(left) >= asNumber(right);
    case 'lessThan':
      return asNumber(left) < asNumber(right);
    case 'lessThanOrEqual':
      return asNumber(left) <= asNumber(right);
    case 'add':
      return asNumber(left) + asNumber(right);
    case 'subtract':
      return asNumber(left) - asNumber(right);
    default:
      throw new Error(`unsupported binary operator ${operator}`);
  }
}

async function callFunction(name: string, kids: AstNode[], scope: EvalScope): Promise<HclValue> {
  if (name === 'can') {
    try {
      await evaluateNode(only(kids), scope);
      return true;
    } catch {
      return false;
    }
  }
  const args = await Promise.all(kids.map((k) => evaluateNode(k, scope)));
  switch (name) {
    case 'merge':
      return Object.assign(
        {},
        ...args.map((a) => (isPlainObject(a) ? a : fail(`merge() of ${JSON.stringify(a)}`))),
      );
    case 'floor':
      return Math.floor(asNumber(args[0]!));
    case 'tostring':
      return toStringValue(args[0]!);
    case 'lower':
      return String(args[0]).toLowerCase();
    case 'length':
      return Array.isArray(args[0]) ? args[0].length : String(args[0]).length;
    case 'contains':
      return (
        Array.isArray(args[0]) && args[0].some((v) => JSON.stringify(v) === JSON.stringify(args[1]))
      );
    case 'regex': {
      const match = new RegExp(String(args[0])).exec(String(args[1]));
      if (!match) throw new Error(`regex ${String(args[0])} does not match ${String(args[1])}`);
      return match[0];
    }
    default:
      throw new Error(`unsupported function ${name}()`);
  }
}

function isPlainObject(value: unknown): value is Record<string, HclValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(what: string): never {
  throw new Error(`unsupported ${what}`);
}

function only(kids: AstNode[]): AstNode {
  if (kids.length !== 1) throw new Error(`expected one operand, got ${kids.length}`);
  return kids[0]!;
}

function asBool(value: HclValue): boolean {
  if (typeof value !== 'boolean') throw new Error(`expected a bool, got ${JSON.stringify(value)}`);
  return value;
}

function asNumber(value: HclValue): number {
  if (typeof value !== 'number') throw new Error(`expected a number, got ${JSON.stringify(value)}`);
  return value;
}

function toStringValue(value: HclValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`cannot convert ${JSON.stringify(value)} to a string`);
}
