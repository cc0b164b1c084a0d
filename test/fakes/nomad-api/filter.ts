/**
 * A small part of go-bexpr, the filter language of Nomad's list endpoints (`?filter=`):
 * `Selector == "value"` and `!=`, joined by `and`; selectors like `Meta["pr"]` or `Meta.pr`.
 * Anything else is answered like Nomad answers an expression it cannot read.
 */
export type Filter = (obj: unknown) => boolean;

export class FilterError extends Error {}

const CLAUSE =
  /^\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*|\["(?:[^"\\]|\\.)*"\])*)\s*(==|!=)\s*("(?:[^"\\]|\\.)*")\s*$/;

export function compileFilter(expr: string): Filter {
  const clauses = expr.split(/\s+and\s+/).map((part) => {
    const m = CLAUSE.exec(part);
    if (!m)
      throw new FilterError(
        `failed to read filter expression: cannot parse ${JSON.stringify(part)}`,
      );
    return { path: selectorPath(m[1]!), op: m[2]!, value: JSON.parse(m[3]!) as string };
  });
  return (obj) =>
    clauses.every(({ path, op, value }) => {
      const found = lookup(obj, path);
      const equal = found !== undefined && String(found) === value;
      return op === '==' ? equal : !equal;
    });
}

function selectorPath(selector: string): string[] {
  const parts: string[] = [];
  for (const m of selector.matchAll(/([A-Za-z_]\w*)|\["((?:[^"\\]|\\.)*)"\]/g)) {
    parts.push(m[1] ?? (JSON.parse(`"${m[2]!}"`) as string));
  }
  return parts;
}

function lookup(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const key of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
