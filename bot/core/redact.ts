const MIN_SECRET_LENGTH = 4;
export const REDACTED = '[REDACTED]';

/**
 * Replaces every occurrence of each secret value in `text`, and of its JSON-escaped form (a PEM
 * key inside a JSON body shows its newlines as `\n`). Longer secrets go first so that a
 * secret containing another is removed whole.
 */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  const values = [
    ...new Set(
      [...secrets]
        .filter((s): s is string => !!s && s.length >= MIN_SECRET_LENGTH)
        .flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]),
    ),
  ];
  values.sort((a, b) => b.length - a.length);
  let out = text;
  for (const value of values) out = out.split(value).join(REDACTED);
  return out;
}

/**
 * Applies `redact` to every string inside a JSON-like value, object keys included; an Error
 * becomes `{ type, message }` (its own properties are not enumerable, so it would print `{}`).
 */
export function redactDeep<T>(value: T, secrets: Iterable<string | undefined>): T {
  const list = [...secrets];
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v, list);
    if (Array.isArray(v)) return v.map(walk);
    if (v instanceof Error) return { type: v.name, message: redact(v.message, list) };
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [redact(k, list), walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}
