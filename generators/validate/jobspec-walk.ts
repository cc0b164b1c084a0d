/** Walks a job file (hcl2json shape) against the schema: names, shapes, labels and values. */
import { issue, joinPath, pathSegment, quote } from './jobspec-messages.js';
import type { JobspecIssue } from './jobspec-messages.js';
import type { BlockSchema, ChildBlockRef, JobspecSchema } from './jobspec-schema.js';
import { blockInstances, looksLikeBlock, shapeProblemText } from './jobspec-shape.js';
import type { BlockInstance } from './jobspec-shape.js';
import { checkAttributes, checkFreeform, checkLabels } from './jobspec-block-checks.js';
import { reporter } from './jobspec-node.js';
import type { BlockNode, Report } from './jobspec-node.js';
import { isPlainObject } from './jobspec-values.js';

export type { BlockNode } from './jobspec-node.js';

interface WalkContext {
  schema: JobspecSchema;
  issues: JobspecIssue[];
  nodes: BlockNode[];
  report: Report;
}

function unknownName(ctx: WalkContext, node: BlockNode, key: string, value: unknown) {
  const detail = looksLikeBlock(value)
    ? `unsupported block type "${key}"`
    : `unsupported argument "${key}"`;
  ctx.report(node, 'parse', detail, { key });
}

/** The schema for a block: the driver's config spec for a task `config` when there is one. */
function resolveSchema(
  ctx: WalkContext,
  ref: string,
  parent: BlockNode,
): { schema: BlockSchema; name?: string } {
  const schema = ctx.schema.blocks[ref];
  if (!schema) throw new Error(`jobspec schema has no block "${ref}"`);
  if (schema.driverKey === undefined) return { schema };
  const driver = parent.body[schema.driverKey];
  const driverSchema = typeof driver === 'string' ? ctx.schema.drivers[driver] : undefined;
  if (!driverSchema) return { schema };
  return {
    schema: { ...driverSchema, driverConfig: true },
    name: `driver ${quote(driver)} ${ref}`,
  };
}

function addChild(
  ctx: WalkContext,
  parent: BlockNode,
  name: string,
  ref: string,
  inst: BlockInstance,
  index?: number,
) {
  const resolved = resolveSchema(ctx, ref, parent);
  const segment = resolved.name ?? pathSegment(name, inst.labels, index);
  const node: BlockNode = {
    ref,
    name,
    labels: inst.labels,
    body: inst.body,
    schema: resolved.schema,
    path: joinPath(parent.path, segment),
    parent,
    children: new Map(),
  };
  const siblings = parent.children.get(name) ?? [];
  siblings.push(node);
  parent.children.set(name, siblings);
  walkBlock(ctx, node);
}

function checkChild(
  ctx: WalkContext,
  node: BlockNode,
  name: string,
  child: ChildBlockRef,
  value: unknown,
) {
  const inDriverConfig = node.schema.driverConfig === true;
  const asAttribute = isPlainObject(value) && child.labels === 0;
  if (asAttribute && (child.alsoAttribute || inDriverConfig)) {
    addChild(ctx, node, name, child.ref, { labels: [], body: value });
    return;
  }
  const shape = blockInstances(value, child.labels);
  if (!shape.ok) {
    ctx.report(node, 'parse', shapeProblemText(name, child.labels, shape.problem), { key: name });
    return;
  }
  if (!child.repeatable && shape.instances.length > 1) {
    ctx.report(node, 'parse', `duplicate "${name}" block: only one is allowed`, { key: name });
  }
  const unlabelledMany = child.labels === 0 && shape.instances.length > 1;
  shape.instances.forEach((inst, i) =>
    addChild(ctx, node, name, child.ref, inst, unlabelledMany ? i : undefined),
  );
}

function walkBlock(ctx: WalkContext, node: BlockNode): void {
  ctx.nodes.push(node);
  checkLabels(node, ctx.report);
  if (node.schema.enterprise !== undefined) {
    ctx.report(node, 'enterprise', node.schema.enterprise);
  }
  if (node.schema.freeform) {
    checkFreeform(node, ctx.report);
    return;
  }
  const attributes = node.schema.attributes ?? {};
  const blocks = node.schema.blocks ?? {};
  for (const [key, value] of Object.entries(node.body)) {
    const child = blocks[key];
    if (child) checkChild(ctx, node, key, child, value);
    else if (!(key in attributes)) unknownName(ctx, node, key, value);
  }
  checkAttributes(node, ctx.report);
  checkAbsentDriverConfig(ctx, node, blocks);
}

/** No `config` block at all still has to satisfy the driver's required settings. */
function checkAbsentDriverConfig(
  ctx: WalkContext,
  node: BlockNode,
  blocks: Record<string, ChildBlockRef>,
) {
  for (const [name, child] of Object.entries(blocks)) {
    if (node.body[name] !== undefined || ctx.schema.blocks[child.ref]?.driverKey === undefined)
      continue;
    if (resolveSchema(ctx, child.ref, node).name !== undefined) {
      addChild(ctx, node, name, child.ref, { labels: [], body: {} });
    }
  }
}

export interface WalkResult {
  job: BlockNode | undefined;
  nodes: BlockNode[];
  issues: JobspecIssue[];
}

/** Walks the whole file: exactly one `job` block, no variables or locals. */
export function walkJobFile(file: Record<string, unknown>, schema: JobspecSchema): WalkResult {
  const issues: JobspecIssue[] = [];
  const ctx: WalkContext = { schema, issues, nodes: [], report: reporter(issues) };
  const rootName = schema.root;
  const rootEntry = schema.topLevel[rootName];
  if (!rootEntry?.ref) throw new Error(`jobspec schema has no top-level "${rootName}"`);
  for (const [key, value] of Object.entries(file)) {
    const entry = schema.topLevel[key];
    if (key === rootName) continue;
    const detail = entry
      ? `"${key}" is not supported here: ${entry.note ?? 'pre-evaluate it'}`
      : looksLikeBlock(value)
        ? `unsupported block type "${key}"`
        : `unsupported argument "${key}"`;
    ctx.issues.push(issue('parse', '(file)', detail, { key }));
  }
  const shape = blockInstances(file[rootName] ?? {}, rootEntry.labels);
  const instances = shape.ok ? shape.instances : [];
  if (!shape.ok) {
    ctx.issues.push(
      issue('parse', '(file)', shapeProblemText(rootName, rootEntry.labels, shape.problem)),
    );
  } else if (instances.length === 0) {
    ctx.issues.push(issue('parse', '(file)', `missing "${rootName}" block`, { key: rootName }));
  } else if (instances.length > 1) {
    ctx.issues.push(
      issue('parse', '(file)', `duplicate "${rootName}" block: a file holds one job`),
    );
  }
  const first = instances[0];
  if (!first) return { job: undefined, nodes: [], issues: ctx.issues };
  const job: BlockNode = {
    ref: rootEntry.ref,
    name: rootName,
    labels: first.labels,
    body: first.body,
    schema: resolveRoot(schema, rootEntry.ref),
    path: pathSegment(rootName, first.labels),
    parent: undefined,
    children: new Map(),
  };
  walkBlock(ctx, job);
  return { job, nodes: ctx.nodes, issues: ctx.issues };
}

function resolveRoot(schema: JobspecSchema, ref: string): BlockSchema {
  const block = schema.blocks[ref];
  if (!block) throw new Error(`jobspec schema has no block "${ref}"`);
  return block;
}
