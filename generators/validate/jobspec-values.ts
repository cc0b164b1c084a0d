/** Type, enum, range and pattern checks for one attribute value. */
import { durationNanos, parseGoDuration } from '../../bot/config/go-duration.js';
import { quote } from './jobspec-messages.js';
import type { AttributeSchema, AttributeType } from './jobspec-schema.js';

export interface ValueProblem {
  detail: string;
  stage: 'parse' | 'validate';
  source?: string;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** hcl2json writes every non-literal expression as a `${...}` string. */
export function hasInterpolation(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}

const numericText = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && numericText.test(value.trim())) return Number(value);
  return undefined;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'an object';
  if (hasInterpolation(value)) return `the expression ${quote(value)} (render a literal value)`;
  return quote(value);
}

function numberProblems(value: unknown, attr: AttributeSchema, what: string): ValueProblem[] {
  const n = asNumber(value);
  if (n === undefined)
    return [{ detail: `${what} must be a number, got ${describe(value)}`, stage: 'parse' }];
  if (attr.integer && !Number.isInteger(n)) {
    return [{ detail: `${what} must be a whole number, got ${n}`, stage: 'parse' }];
  }
  if (attr.min !== undefined && n < attr.min) {
    return [{ detail: `${what} must be at least ${attr.min}, got ${n}`, stage: 'validate' }];
  }
  if (attr.max !== undefined && n > attr.max) {
    return [{ detail: `${what} must be at most ${attr.max}, got ${n}`, stage: 'validate' }];
  }
  return [];
}

function listOf(value: unknown, what: string, each: (item: unknown, i: number) => ValueProblem[]) {
  if (!Array.isArray(value)) {
    return [{ detail: `${what} must be a list, got ${describe(value)}`, stage: 'parse' as const }];
  }
  return value.flatMap((item, i) => each(item, i));
}

function scalarProblems(value: unknown, what: string): ValueProblem[] {
  return isScalar(value)
    ? []
    : [{ detail: `${what} must be a string, got ${describe(value)}`, stage: 'parse' }];
}

function mapOf(value: unknown, what: string, each: (item: unknown, key: string) => ValueProblem[]) {
  if (!isPlainObject(value)) {
    return [{ detail: `${what} must be a map, got ${describe(value)}`, stage: 'parse' as const }];
  }
  return Object.entries(value).flatMap(([key, item]) => each(item, key));
}

function typeProblems(value: unknown, type: AttributeType, attr: AttributeSchema, what: string) {
  switch (type) {
    case 'any':
      return [];
    case 'string':
      return scalarProblems(value, what);
    case 'number':
      return numberProblems(value, attr, what);
    case 'bool':
      return typeof value === 'boolean' || value === 'true' || value === 'false'
        ? []
        : [
            {
              detail: `${what} must be true or false, got ${describe(value)}`,
              stage: 'parse' as const,
            },
          ];
    case 'duration':
      return durationProblems(value, attr, what);
    case 'list(string)':
      return listOf(value, what, (item, i) => scalarProblems(item, `${what}[${i}]`));
    case 'list(number)':
      return listOf(value, what, (item, i) => numberProblems(item, attr, `${what}[${i}]`));
    case 'map(string)':
      return mapOf(value, what, (item, key) => scalarProblems(item, `${what}.${key}`));
    case 'list(map(string))':
    case 'list(map(number))': {
      const inner = (item: unknown, key: string) =>
        type === 'list(map(string))'
          ? scalarProblems(item, `${what}.${key}`)
          : numberProblems(item, {} as AttributeSchema, `${what}.${key}`);
      // Written as a block (a list of objects) or as an attribute holding one object.
      if (isPlainObject(value)) return mapOf(value, what, inner);
      return listOf(value, what, (item) => mapOf(item, what, inner));
    }
  }
}

function durationProblems(value: unknown, attr: AttributeSchema, what: string): ValueProblem[] {
  const nanos = durationNanos(value);
  if (nanos === undefined) {
    return [
      {
        detail: `${what} must be a duration such as "10s" or "1m30s", got ${describe(value)}`,
        stage: 'parse',
      },
    ];
  }
  const min = attr.minDuration === undefined ? undefined : parseGoDuration(attr.minDuration);
  if (min !== undefined && nanos < min) {
    return [
      {
        detail: `${what} must be at least ${attr.minDuration}, got ${quote(value)}`,
        stage: 'validate',
      },
    ];
  }
  return [];
}

/** Problems with an attribute value that is present (not null). */
export function attributeValueProblems(
  name: string,
  value: unknown,
  attr: AttributeSchema,
): ValueProblem[] {
  const what = `"${name}"`;
  const typed = typeProblems(value, attr.type, attr, what);
  if (typed.length > 0 || !isScalar(value)) return typed;
  const text = String(value);
  if (attr.enum && !attr.enum.includes(text)) {
    return [
      {
        detail: `${what} must be one of ${attr.enum.map(quote).join(', ')}, got ${quote(value)}`,
        stage: attr.enumEnforcedBy === 'parser' ? 'parse' : 'validate',
        ...(attr.enumSource === undefined ? {} : { source: attr.enumSource }),
      },
    ];
  }
  if (attr.pattern !== undefined && !new RegExp(attr.pattern, 'u').test(text)) {
    return [
      { detail: `${what} does not match ${attr.pattern}: ${quote(value)}`, stage: 'validate' },
    ];
  }
  if (attr.maxLength !== undefined && text.length > attr.maxLength) {
    return [{ detail: `${what} is longer than ${attr.maxLength} characters`, stage: 'validate' }];
  }
  return [];
}

/** Problems with one value of a free-form block (meta, env, config, ...). */
export function freeformValueProblems(
  name: string,
  value: unknown,
  type: AttributeType,
): ValueProblem[] {
  return typeProblems(value, type, {} as AttributeSchema, `"${name}"`);
}
