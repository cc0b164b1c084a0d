/**
 * Nomad API JSON (`{"Job": {...}}`, Go field names) → the hcl2json shape, using the schema's
 * `goField`s, so both go through the same checks. Nomad's API ignores unknown keys and matches
 * them case-insensitively; here a key must match exactly, and an unknown key that carries a value
 * is reported. Unknown keys holding null/zero values (server-side fields such as "Status") set
 * nothing and are skipped.
 */
import { issue, joinPath, pathSegment } from './jobspec-messages.js';
import type { JobspecIssue } from './jobspec-messages.js';
import type { BlockSchema, ChildBlockRef, JobspecSchema } from './jobspec-schema.js';
import { isPlainObject } from './jobspec-values.js';

export function isApiJobJson(value: unknown): value is { Job: Record<string, unknown> } {
  return isPlainObject(value) && Object.keys(value).length === 1 && isPlainObject(value['Job']);
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === false || value === 0 || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}

interface Ctx {
  schema: JobspecSchema;
  issues: JobspecIssue[];
}

function blockSchema(ctx: Ctx, ref: string): BlockSchema {
  const block = ctx.schema.blocks[ref];
  if (!block) throw new Error(`jobspec schema has no block "${ref}"`);
  return block;
}

/** The HCL label of one element, taken out of its body. */
function labelOf(
  schema: BlockSchema,
  body: Record<string, unknown>,
): { label: string; rest: Record<string, unknown> } {
  const field = schema.labelGoFields?.[0];
  if (field !== undefined) {
    const { [field]: label, ...rest } = body;
    return { label: String(label ?? ''), rest };
  }
  const byType = Object.entries(schema.labelTypeMap ?? {}).find(
    ([, type]) => type === body['Type'],
  );
  return { label: byType?.[0] ?? '', rest: body };
}

function convertChild(
  ctx: Ctx,
  name: string,
  child: ChildBlockRef,
  value: unknown,
  path: string,
): unknown {
  const schema = blockSchema(ctx, child.ref);
  const convert = (body: unknown, segment: string) =>
    schema.freeform || !isPlainObject(body)
      ? body
      : convertBody(ctx, schema, body, joinPath(path, segment));
  if (child.labels === 0) {
    const items = Array.isArray(value) ? value : [value];
    return items.map((item, i) =>
      convert(item, pathSegment(name, [], items.length > 1 ? i : undefined)),
    );
  }
  const labelled: Record<string, unknown[]> = {};
  const add = (label: string, body: unknown) => {
    (labelled[label] ??= []).push(convert(body, pathSegment(name, [label])));
  };
  if (Array.isArray(value)) {
    for (const item of value) {
      if (!isPlainObject(item)) continue;
      const { label, rest } = labelOf(schema, item);
      add(label, rest);
    }
  } else if (isPlainObject(value)) {
    for (const [label, body] of Object.entries(value)) add(label, body);
  }
  return labelled;
}

function convertBody(
  ctx: Ctx,
  schema: BlockSchema,
  body: Record<string, unknown>,
  path: string,
): Record<string, unknown> {
  const attributes = new Map(
    Object.entries(schema.attributes ?? {}).flatMap(([name, a]) =>
      a.goField ? [[a.goField, name] as const] : [],
    ),
  );
  const blocks = new Map(
    Object.entries(schema.blocks ?? {}).flatMap(([name, b]) =>
      b.goField ? [[b.goField, [name, b] as const] as const] : [],
    ),
  );
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === null) continue;
    const attribute = attributes.get(key);
    const block = blocks.get(key);
    if (attribute !== undefined) {
      out[attribute] = value;
    } else if (block !== undefined) {
      const [name, child] = block;
      out[name] = convertChild(ctx, name, child, value, path);
    } else if (!isEmpty(value)) {
      const near = [...attributes.keys(), ...blocks.keys()].find(
        (k) => k.toLowerCase() === key.toLowerCase(),
      );
      const hint = near === undefined ? '' : ` (did you mean "${near}"?)`;
      ctx.issues.push(issue('api-json', path, `unknown field "${key}"${hint}`, { key }));
    }
  }
  return out;
}

/** The job as hcl2json would give it for the equivalent HCL, plus problems with the JSON keys. */
export function apiJobToHclShape(
  json: { Job: Record<string, unknown> },
  schema: JobspecSchema,
): { file: Record<string, unknown>; issues: JobspecIssue[] } {
  const ctx: Ctx = { schema, issues: [] };
  const jobRef = schema.topLevel[schema.root]?.ref ?? schema.root;
  const jobSchema = blockSchema(ctx, jobRef);
  const { label, rest } = labelOf(jobSchema, json.Job);
  const body = convertBody(ctx, jobSchema, rest, pathSegment(schema.root, [label]));
  return { file: { [schema.root]: { [label]: [body] } }, issues: ctx.issues };
}
