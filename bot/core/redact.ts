const MIN_SECRET_LENGTH = 4;
export const REDACTED = '[REDACTED]';

/**
 * Replaces every occurrence of each secret value in `text`.
 * Longer secrets go first so that a secret containing another is removed whole.
 */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  const values = [
    ...new Set([...secrets].filter((s): s is string => !!s && s.length >= MIN_SECRET_LENGTH)),
  ];
  values.sort((a, b) => b.length - a.length);
  let out = text;
  for (const value of values) out = out.split(value).join(REDACTED);
  return out;
}

/** Applies `redact` to every string inside a JSON-like value. */
export function redactDeep<T>(value: T, secrets: Iterable<string | undefined>): T {
  const list = [...secrets];
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v, list);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}
