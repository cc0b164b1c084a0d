import type { z } from 'zod';

type AnySchema = z.ZodType;

interface Def {
  type: string;
  innerType?: AnySchema;
  valueType?: AnySchema;
  element?: AnySchema;
  options?: AnySchema[];
  in?: AnySchema;
  out?: AnySchema;
  shape?: Record<string, AnySchema>;
}

function defOf(schema: AnySchema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function unwrap(schema: AnySchema): AnySchema[] {
  const def = defOf(schema);
  if (
    (def.type === 'default' || def.type === 'optional' || def.type === 'nullable') &&
    def.innerType
  ) {
    return unwrap(def.innerType);
  }
  // A transform's keys are those of its input; a preprocess's, those of its output.
  if (def.type === 'pipe' && def.in && defOf(def.in).type === 'transform' && def.out) {
    return unwrap(def.out);
  }
  if (def.type === 'pipe' && def.in) return unwrap(def.in);
  if (def.type === 'union' && def.options) return def.options.flatMap(unwrap);
  return [schema];
}

/** The keys the schema allows at `path`, for "did you mean" hints. */
export function knownKeysAt(root: AnySchema, path: readonly (string | number)[]): string[] {
  let current = unwrap(root);
  for (const key of path) {
    current = current.flatMap((schema) => {
      const def = defOf(schema);
      if (def.type === 'object' && def.shape && typeof key === 'string' && def.shape[key]) {
        return unwrap(def.shape[key]);
      }
      if (def.type === 'record' && def.valueType) return unwrap(def.valueType);
      if (def.type === 'array' && def.element) return unwrap(def.element);
      return [];
    });
  }
  return current.flatMap((schema) => {
    const def = defOf(schema);
    return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
  });
}
