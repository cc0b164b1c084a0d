/** Types for nomad/schema/jobspec-schema.json, and a shape check run once when it is loaded. */

export type AttributeType =
  | 'string'
  | 'number'
  | 'bool'
  | 'duration'
  | 'list(string)'
  | 'list(number)'
  | 'map(string)'
  | 'list(map(string))'
  | 'list(map(number))'
  | 'any';

export type RequiredBy = 'parser' | 'validate' | 'driver';

export interface AttributeSchema {
  type: AttributeType;
  required: boolean;
  requiredBy?: RequiredBy;
  requiredSource?: string;
  integer?: boolean;
  min?: number;
  max?: number;
  minDuration?: string;
  maxLength?: number;
  enum?: string[];
  enumSource?: string;
  enumEnforcedBy?: 'parser';
  pattern?: string;
  default?: unknown;
  goField?: string;
  enterprise?: string;
  deprecated?: string;
  ignored?: boolean;
}

export interface ChildBlockRef {
  ref: string;
  repeatable: boolean;
  labels: number;
  alsoAttribute?: boolean;
  goField?: string;
  goType?: string;
}

export interface BlockSchema {
  labels: string[];
  freeform: boolean;
  valueType?: AttributeType;
  attributes?: Record<string, AttributeSchema>;
  blocks?: Record<string, ChildBlockRef>;
  labelPattern?: string[];
  labelForbidden?: string[][];
  labelEnum?: string[][];
  labelTypeMap?: Record<string, string>;
  labelGoFields?: string[];
  enterprise?: string;
  driverKey?: string;
  /** Set on driver config blocks: their problems surface when the task starts. */
  driverConfig?: boolean;
  driversRef?: string;
}

export interface TopLevelEntry {
  ref?: string;
  labels: number;
  repeatable: boolean;
  required?: boolean;
  supported?: boolean;
  note?: string;
}

export type Condition = Record<string, unknown[]>;

export type Rule = { id: string; block: string; message: string; source: string } & (
  | { kind: 'atLeastOneChild'; children: string[]; orDescendant?: string[][] }
  | { kind: 'requiredWhen'; attribute?: string; child?: string; when: Condition }
  | {
      kind: 'enumWhenParent';
      attribute: string;
      enum: string[];
      parent: string;
      parentWhen: Condition;
    }
  | { kind: 'forbiddenWhen'; child: string; when: Condition }
  | { kind: 'oneOfRequired'; attributes: string[] }
  | { kind: 'exactlyOneOf'; attributes: string[]; unless?: Condition }
  | { kind: 'jobTypes'; allowed: string[]; parents?: string[] }
  | { kind: 'maxWhenJobType'; attribute: string; max: number; jobTypes: string[] }
  | { kind: 'reference'; attribute: string; target: string }
  | { kind: 'mutuallyExclusive'; attributes: string[] }
  | { kind: 'ignored'; attribute: string }
  | { kind: 'custom'; check: CustomCheck }
);

export const ruleKinds = [
  'atLeastOneChild',
  'requiredWhen',
  'enumWhenParent',
  'forbiddenWhen',
  'oneOfRequired',
  'exactlyOneOf',
  'jobTypes',
  'maxWhenJobType',
  'reference',
  'mutuallyExclusive',
  'ignored',
  'custom',
] as const;

export const customChecks = ['constraint', 'affinity', 'labelEnum', 'uniqueLabels'] as const;
export type CustomCheck = (typeof customChecks)[number];

export interface JobspecSchema {
  schemaVersion: number;
  source: { repo: string; commit: string };
  root: string;
  topLevel: Record<string, TopLevelEntry>;
  blocks: Record<string, BlockSchema>;
  drivers: Record<string, BlockSchema>;
  rules: Rule[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks that a parsed schema file has the layout this validator understands. A rule kind or
 * custom check it does not implement is a bug to fix here, so it throws.
 */
export function asJobspecSchema(json: unknown): JobspecSchema {
  if (!isObject(json) || json['schemaVersion'] !== 1) {
    throw new Error('Nomad jobspec schema: expected an object with "schemaVersion": 1');
  }
  for (const key of ['topLevel', 'blocks', 'drivers'] as const) {
    if (!isObject(json[key])) throw new Error(`Nomad jobspec schema: "${key}" must be an object`);
  }
  if (typeof json['root'] !== 'string' || !Array.isArray(json['rules'])) {
    throw new Error('Nomad jobspec schema: "root" must be a string and "rules" a list');
  }
  const schema = json as unknown as JobspecSchema;
  for (const rule of schema.rules) {
    if (!(ruleKinds as readonly string[]).includes(rule.kind)) {
      throw new Error(`Nomad jobspec schema: rule "${rule.id}" has unknown kind "${rule.kind}"`);
    }
    if (rule.kind === 'custom' && !(customChecks as readonly string[]).includes(rule.check)) {
      throw new Error(`Nomad jobspec schema: rule "${rule.id}" has unknown check "${rule.check}"`);
    }
  }
  const known = new Set([...Object.keys(schema.blocks)]);
  for (const [name, block] of Object.entries({ ...schema.blocks, ...schema.drivers })) {
    for (const [child, ref] of Object.entries(block.blocks ?? {})) {
      if (!known.has(ref.ref)) {
        throw new Error(
          `Nomad jobspec schema: ${name}.${child} refers to unknown block "${ref.ref}"`,
        );
      }
    }
  }
  return schema;
}
