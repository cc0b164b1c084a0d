const MIN_SECRET_LENGTH = 4;
export const REDACTED = '[REDACTED]';

/**
 * Replaces every occurrence of each secret value in `text`, and of its JSON-escaped form (a PEM
 * key inside a JSON body shows its newlines as `\n`). Longer secrets go first so that a
 * secret containing another is removed whole.
 */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  return redactor(secrets).text(text);
}

/**
 * Applies `redact` to every string inside a JSON-like value, object keys included; an Error
 * becomes `{ type, message }` (its own properties are not enumerable, so it would print `{}`).
 */
export function redactDeep<T>(value: T, secrets: Iterable<string | undefined>): T {
  return redactor(secrets).deep(value);
}

export interface Redactor {
  /** `redact` with this redactor's secrets. */
  text(text: string): string;
  /** `redactDeep` with this redactor's secrets. */
  deep<T>(value: T): T;
}

/** `redact` and `redactDeep` for a fixed list of secrets, prepared once (a logger's hot path). */
export function redactor(secrets: Iterable<string | undefined>): Redactor {
  const values = [
    ...new Set(
      [...secrets]
        .filter((s): s is string => !!s && s.length >= MIN_SECRET_LENGTH)
        .flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]),
    ),
  ];
  values.sort((a, b) => b.length - a.length);
  const text = (input: string): string => {
    let out = input;
    for (const value of values) if (out.includes(value)) out = out.split(value).join(REDACTED);
    return out;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return text(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v instanceof Error) return { type: v.name, message: text(v.message) };
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [text(k), walk(x)]));
    }
    return v;
  };
  return { text, deep: <T>(value: T) => walk(value) as T };
}
