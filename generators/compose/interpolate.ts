/**
 * Compose variable interpolation, as the Compose specification defines it
 * (compose-spec/spec.md, "Interpolation"; compose-go's template package):
 * `$VAR`, `${VAR}`, `${VAR:-default}` / `${VAR-default}` (unset or empty / unset),
 * `${VAR:?err}` / `${VAR?err}` (error), `${VAR:+alt}` / `${VAR+alt}` (replacement when set),
 * `$$` for a literal `$`. Defaults may themselves hold interpolations.
 */

/** What a reference to a variable that has no value turns into, and whether it counts as missing. */
export type MissingHandler = (name: string) => string;

export interface InterpolateOptions {
  /** Text for an unset variable without default; Compose uses "". */
  onMissing?: MissingHandler;
  /**
   * Variables whose value is supplied later (at run time): every reference to them, with or
   * without default or `?`, becomes `onMissing(name)`; and an unset `${VAR?err}` does too,
   * instead of failing.
   */
  deferred?: (name: string) => boolean;
}

export interface InterpolateResult {
  value: string;
  /** Variables that had no value and no default, in order of appearance. */
  missing: string[];
  /** `${VAR:?message}` failures. */
  errors: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Interpolates one string. `lookup` returns a variable's value or undefined when unset;
 * `onMissing` gives the text for an unset variable without default (Compose uses "").
 * Throws nothing: a malformed `${` is reported in `errors` and kept as text.
 */
export function interpolateString(
  text: string,
  lookup: (name: string) => string | undefined,
  options: InterpolateOptions = {},
): InterpolateResult {
  const result: InterpolateResult = { value: '', missing: [], errors: [] };
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch !== '$') {
      result.value += ch;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      result.value += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) {
        result.errors.push(`"${text.slice(i)}" has no closing "}"`);
        result.value += text.slice(i);
        break;
      }
      braced(text.slice(i + 2, end), lookup, options, result);
      i = end + 1;
      continue;
    }
    const name = NAME.exec(text.slice(i + 1))?.[0];
    if (!name) {
      // A lone `$` (as in "costs $5") is kept, as Compose keeps it.
      result.value += '$';
      i++;
      continue;
    }
    substitute(name, lookup, options, result);
    i += 1 + name.length;
  }
  return result;
}

function braced(
  body: string,
  lookup: (name: string) => string | undefined,
  options: InterpolateOptions,
  result: InterpolateResult,
): void {
  const name = NAME.exec(body)?.[0];
  if (!name) {
    result.errors.push(`"\${${body}}" is not a valid variable reference`);
    return;
  }
  const rest = body.slice(name.length);
  if (rest === '') {
    substitute(name, lookup, options, result);
    return;
  }
  const op = /^(:?)([-?+])/.exec(rest);
  if (!op) {
    result.errors.push(`"\${${body}}" is not a valid variable reference`);
    return;
  }
  const colon = op[1] === ':';
  const argument = rest.slice(op[0].length);
  if (options.deferred?.(name) && op[2] !== '+') {
    substitute(name, () => undefined, options, result);
    return;
  }
  const value = lookup(name);
  const isSet = colon ? value !== undefined && value !== '' : value !== undefined;
  const inner = () => {
    const nested = interpolateString(argument, lookup, options);
    result.missing.push(...nested.missing);
    result.errors.push(...nested.errors);
    return nested.value;
  };
  switch (op[2]) {
    case '-':
      result.value += isSet ? (value ?? '') : inner();
      return;
    case '+':
      result.value += isSet ? inner() : '';
      return;
    default:
      if (isSet) {
        result.value += value ?? '';
        return;
      }
      if (options.deferred) {
        substitute(name, () => undefined, options, result);
        return;
      }
      result.errors.push(
        `${name}: ${inner() || (colon ? 'required, and is unset or empty' : 'required, and is unset')}`,
      );
  }
}

function substitute(
  name: string,
  lookup: (name: string) => string | undefined,
  options: InterpolateOptions,
  result: InterpolateResult,
): void {
  const value = options.deferred?.(name) ? undefined : lookup(name);
  if (value !== undefined) {
    result.value += value;
    return;
  }
  result.missing.push(name);
  result.value += options.onMissing?.(name) ?? '';
}

/** Index of the `}` that closes a `${` whose body starts at `from`, or -1. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '$') {
      i++;
    } else if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/**
 * A `.env` file as Compose reads it (compose-go's dotenv): `KEY=value`, optional `export `,
 * `#` comments, single quotes literal, double quotes with `\n`-style escapes, and `${VAR}`
 * interpolation of earlier keys in unquoted and double-quoted values. Written here because
 * the `dotenv` package neither interpolates nor matches Compose's quoting rules.
 */
export function parseDotEnv(
  text: string,
  inherited: Record<string, string> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  const lookup = (name: string) => out[name] ?? inherited[name];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m?.[1]) continue;
    const value = m[2] ?? '';
    if (value.startsWith("'")) {
      const end = value.indexOf("'", 1);
      out[m[1]] = end < 0 ? value.slice(1) : value.slice(1, end);
    } else if (value.startsWith('"')) {
      const end = closingQuote(value);
      const body = value
        .slice(1, end < 0 ? undefined : end)
        .replace(/\\([nrt"\\$])/g, (_, c: string) =>
          c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c === '$' ? '$$' : c,
        );
      out[m[1]] = interpolateString(body, lookup).value;
    } else {
      const unquoted = value.replace(/\s+#.*$/, '').trim();
      out[m[1]] = interpolateString(unquoted, lookup).value;
    }
  }
  return out;
}

function closingQuote(value: string): number {
  for (let i = 1; i < value.length; i++) {
    if (value[i] === '\\') i++;
    else if (value[i] === '"') return i;
  }
  return -1;
}
