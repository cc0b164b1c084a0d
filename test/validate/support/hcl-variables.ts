/**
 * Test-only pre-evaluation of HCL `variable` / `locals` in hcl2json output: replaces `var.x` and
 * `local.x` references with their values, the way `nomad job run -var` would before validation.
 * Only plain references are handled (no functions or expressions), which is all the corpus needs.
 */

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function collectValues(
  file: Record<string, Json>,
  overrides: Record<string, Json>,
): Map<string, Json> {
  const values = new Map<string, Json>();
  const variables = isObject(file['variable']) ? file['variable'] : {};
  for (const [name, bodies] of Object.entries(variables)) {
    const body = Array.isArray(bodies) && isObject(bodies[0]) ? bodies[0] : {};
    if ('default' in body) values.set(`var.${name}`, body['default']);
  }
  for (const [name, value] of Object.entries(overrides)) values.set(`var.${name}`, value);
  const locals = Array.isArray(file['locals']) ? file['locals'] : [];
  for (const body of locals) {
    if (isObject(body))
      for (const [name, value] of Object.entries(body)) values.set(`local.${name}`, value);
  }
  return values;
}

const whole = /^\$\{((?:var|local)\.[A-Za-z_][\w-]*)\}$/;
const inline = /\$\{((?:var|local)\.[A-Za-z_][\w-]*)\}/g;

function substitute(value: Json, values: Map<string, Json>): Json {
  const lookup = (ref: string): Json => {
    if (!values.has(ref)) throw new Error(`no value for ${ref}: pass it in the overrides`);
    return values.get(ref);
  };
  if (typeof value === 'string') {
    const match = whole.exec(value);
    if (match?.[1]) return lookup(match[1]);
    return value.replace(inline, (_, ref: string) => String(lookup(ref)));
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, values));
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, values)]));
  }
  return value;
}

export function preEvaluateVariables(
  file: Record<string, Json>,
  overrides: Record<string, Json> = {},
): Record<string, Json> {
  const values = collectValues(file, overrides);
  const rest = Object.fromEntries(
    Object.entries(file).filter(([key]) => !['variable', 'variables', 'locals'].includes(key)),
  );
  return substitute(rest, values) as Record<string, Json>;
}
