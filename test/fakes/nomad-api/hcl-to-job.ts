import { readFileSync } from 'node:fs';
import { parse } from '@cdktf/hcl2json';
import { goDurationToNs } from '../../../bot/adapters/nomad/durations.js';
import { jobspecSchemaPath } from '../../../bot/adapters/nomad/jobspec-schema-file.js';

/**
 * Turns a job file into the API Job that Nomad's /v1/jobs/parse returns, driven by the jobspec
 * schema (which names the api Go field behind every HCL name). Covers what prenv renders; it
 * throws ParseError for bad HCL or unknown names (as jobspec2 does) and UnsupportedByFake for
 * jobspec2 features this double does not model (job-level task/vault/secret, variables).
 */

interface AttrSchema {
  type: string;
  goField?: string;
  default?: unknown;
  defaultSource?: string;
}
interface ChildRef {
  ref: string;
  labels: number;
  repeatable: boolean;
  goField?: string;
  goType?: string;
}
export interface BlockSchema {
  labelGoFields?: string[];
  attributes?: Record<string, AttrSchema>;
  blocks?: Record<string, ChildRef>;
  freeform?: boolean;
}
export interface JobspecSchema {
  blocks: Record<string, BlockSchema>;
}

export class ParseError extends Error {}
export class UnsupportedByFake extends Error {}

let schema: JobspecSchema | undefined;
export function loadSchema(): JobspecSchema {
  schema ??= JSON.parse(readFileSync(jobspecSchemaPath, 'utf8')) as JobspecSchema;
  return schema;
}

type Body = Record<string, unknown>;

export async function hclToApiJob(hcl: string, canonicalize: boolean): Promise<Body> {
  let doc: Body;
  try {
    doc = (await parse('input.hcl', hcl)) as Body;
  } catch (err) {
    // hcl2json says "parse config: [input.hcl:3,5-9: Summary; Detail]"; jobspec2 prints the diagnostic.
    const text = err instanceof Error ? err.message : String(err);
    throw new ParseError(text.replace(/^parse config: \[/, '').replace(/\]$/, ''));
  }
  for (const key of Object.keys(doc)) {
    if (key !== 'job') throw new UnsupportedByFake(`top-level "${key}" blocks are not modelled`);
  }
  const jobs = Object.entries((doc.job ?? {}) as Record<string, Body[]>);
  if (jobs.length !== 1 || jobs[0]![1].length !== 1) {
    throw new ParseError('input.hcl: exactly one job block is required');
  }
  const [id, [body]] = jobs[0] as [string, Body[]];
  const s = loadSchema();
  const job = convert(body!, s.blocks.job!, 'job', canonicalize);
  job.ID ??= id;
  job.Name ??= id;
  return job;
}

function convert(body: Body, block: BlockSchema, path: string, canonicalize: boolean): Body {
  const s = loadSchema();
  const out: Body = {};
  for (const [name, value] of Object.entries(body)) {
    const attr = block.attributes?.[name];
    const child = block.blocks?.[name];
    if (attr) {
      if (path === 'constraint' || path === 'affinity') {
        if (constraintOperand(out, name, value)) continue;
      }
      if (!attr.goField) throw new UnsupportedByFake(`${path}.${name} is not modelled`);
      out[attr.goField] = attrValue(value, attr, `${path}.${name}`);
    } else if (child) {
      if (!child.goField) throw new UnsupportedByFake(`${path}.${name} blocks are not modelled`);
      const ref = s.blocks[child.ref]!;
      out[child.goField] = childValue(value, child, ref, `${path}.${name}`, canonicalize);
    } else {
      throw new ParseError(
        `input.hcl: Unsupported argument; An argument named "${name}" is not expected here (in ${path}).`,
      );
    }
  }
  if (canonicalize) applyDefaults(out, block);
  if (path.endsWith('.network')) moveStaticPorts(out);
  return out;
}

function childValue(
  value: unknown,
  child: ChildRef,
  ref: BlockSchema,
  path: string,
  canon: boolean,
): unknown {
  if (ref.freeform) {
    const parts = Array.isArray(value) ? (value as Body[]) : [value as Body];
    return Object.assign({}, ...parts);
  }
  if (child.labels === 1) {
    const labelField = ref.labelGoFields?.[0];
    const items: Body[] = [];
    for (const [label, bodies] of Object.entries(value as Record<string, Body[]>)) {
      for (const b of bodies) {
        const item = convert(b, ref, path, canon);
        if (labelField) item[labelField] = label;
        items.push(item);
      }
    }
    if (child.goType?.startsWith('map[')) {
      return Object.fromEntries(
        items.map((item) => [item[ref.labelGoFields?.[0] ?? 'Name'], item]),
      );
    }
    return items;
  }
  const bodies = Array.isArray(value) ? (value as Body[]) : [value as Body];
  const items = bodies.map((b) => convert(b, ref, path, canon));
  return child.goType?.startsWith('[]') ? items : items[0];
}

function attrValue(value: unknown, attr: AttrSchema, path: string): unknown {
  switch (attr.type) {
    case 'duration': {
      const ns = typeof value === 'number' ? value : goDurationToNs(String(value));
      if (ns === undefined)
        throw new ParseError(`input.hcl: ${path}: invalid duration "${String(value)}"`);
      return ns;
    }
    case 'number':
      return typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    case 'bool':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'string':
      return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
    default:
      return value;
  }
}

/** jobspec2 decodeConstraint: `regexp = "x"`, `distinct_hosts = true` … set Operand (and RTarget). */
function constraintOperand(out: Body, name: string, value: unknown): boolean {
  const withValue = [
    'regexp',
    'version',
    'semver',
    'set_contains',
    'set_contains_all',
    'set_contains_any',
  ];
  if (withValue.includes(name)) {
    out.Operand = name;
    out.RTarget = String(value);
    return true;
  }
  if (['distinct_hosts', 'is_set', 'is_not_set'].includes(name)) {
    if (value === true || value === 'true') out.Operand = name;
    return true;
  }
  if (name === 'distinct_property') {
    out.Operand = name;
    out.LTarget = String(value);
    return true;
  }
  return false;
}

/** The api package's Canonicalize defaults and jobspec2's normalizations (not the server's). */
function applyDefaults(out: Body, block: BlockSchema): void {
  for (const attr of Object.values(block.attributes ?? {})) {
    const source = attr.defaultSource ?? '';
    if (!attr.goField || attr.default === undefined || out[attr.goField] !== undefined) continue;
    if (!source.startsWith('api/') && !source.startsWith('jobspec2/')) continue;
    out[attr.goField] = attrValue(attr.default, attr, attr.goField);
  }
}

/** jobspec2 normalizeNetworkPorts: a port with a static value is a reserved port. */
function moveStaticPorts(network: Body): void {
  const dynamic = (network.DynamicPorts as Body[] | undefined) ?? [];
  const reserved = dynamic.filter((p) => typeof p.Value === 'number' && p.Value > 0);
  if (reserved.length === 0) return;
  network.DynamicPorts = dynamic.filter((p) => !reserved.includes(p));
  network.ReservedPorts = [...((network.ReservedPorts as Body[] | undefined) ?? []), ...reserved];
}
