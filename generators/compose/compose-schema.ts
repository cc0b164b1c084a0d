import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/** A Compose document that breaks the Compose specification's JSON schema. */
export interface SchemaProblem {
  path: (string | number)[];
  message: string;
}

const compiled = new WeakMap<object, ValidateFunction>();

/**
 * Checks a Compose document (after interpolation, as compose-go does) against the Compose
 * specification's JSON schema (`compose-spec/schema/compose-spec.json`, as shipped by the
 * `dclint` package). One problem per key path, the most specific first.
 */
export function composeSchemaProblems(doc: unknown, schema: object): SchemaProblem[] {
  let validate = compiled.get(schema);
  if (!validate) {
    // Formats such as "duration" are checked where prenv reads the value; strict mode would
    // refuse the spec's own annotations (e.g. "deprecated"); the schema names its draft-07
    // meta-schema by an https URL that Ajv doesn't register, so it is not checked against it.
    validate = new Ajv({
      allErrors: true,
      strict: false,
      validateFormats: false,
      validateSchema: false,
    }).compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(doc)) return [];
  return summarise(validate.errors ?? []);
}

const RANK: Record<string, number> = {
  additionalProperties: 0,
  required: 1,
  enum: 2,
  type: 3,
  oneOf: 4,
  anyOf: 4,
};

function summarise(errors: ErrorObject[]): SchemaProblem[] {
  const byPath = new Map<string, { error: ErrorObject; path: (string | number)[] }>();
  for (const error of errors) {
    const path = pointerPath(error.instancePath);
    if (error.keyword === 'additionalProperties') {
      path.push(String((error.params as { additionalProperty: string }).additionalProperty));
    }
    const id = path.join('\u0000');
    const current = byPath.get(id);
    if (!current || rank(error) < rank(current.error)) byPath.set(id, { error, path });
  }
  const ids = [...byPath.keys()];
  return (
    [...byPath.entries()]
      // A "matches no form" or "must be a list" at a parent (the other branches of a `oneOf`)
      // says less than what is wrong inside it.
      .filter(([id]) => !ids.some((other) => other !== id && other.startsWith(`${id}\u0000`)))
      .map(([, { error, path }]) => ({ path, message: messageOf(error) }))
  );
}

function rank(error: ErrorObject): number {
  return RANK[error.keyword] ?? 5;
}

function messageOf(error: ErrorObject): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return 'is not a key of the Compose specification';
    case 'oneOf':
    case 'anyOf':
      return 'does not match any form the Compose specification allows here';
    case 'enum':
      return `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues
        .map((v) => JSON.stringify(v))
        .join(', ')}`;
    default:
      return error.message ?? error.keyword;
  }
}

function pointerPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}
