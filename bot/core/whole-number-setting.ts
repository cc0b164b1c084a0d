/** The bounds and words of one whole-number `PRENV_*` setting. */
export interface WholeNumberRule {
  /** What the value is: `a whole number of milliseconds`, `a GitHub id`. */
  what: string;
  min: number;
  max: number;
  /** A value to show as an example (the default, where there is one). */
  example: number;
  /** Why the bounds are what they are, when a source sets them. */
  why?: string;
}

/**
 * Only ASCII decimal digits: `Number()` would also take `1e3`, `0x10`, `+5`, ` 5 `, `5.0` and
 * `Infinity`, which read as a mistake in an environment variable, not as a count.
 */
const DECIMAL_DIGITS = /^[0-9]+$/;

/**
 * `raw`, the text of the variable `name`, as a whole number within
 * `[rule.min, rule.max]`; otherwise an error naming the variable, the value and what it must be.
 * The one grammar of every numeric `PRENV_*` setting (ms, counts, ids).
 */
export function parseWholeNumberSetting(
  name: string,
  raw: string,
  rule: WholeNumberRule,
): { ok: true; value: number } | { ok: false; error: string } {
  const got = `got ${JSON.stringify(raw)}`;
  if (!DECIMAL_DIGITS.test(raw))
    return {
      ok: false,
      error: `${name} must be ${rule.what}${rangeOf(rule)}, in decimal digits only (such as ${rule.example}), ${got}`,
    };
  const value = Number(raw);
  const why = rule.why ? ` (${rule.why})` : '';
  if (value < rule.min || value > rule.max)
    return {
      ok: false,
      error:
        rule.min === 0
          ? `${name} must be at most ${rule.max}${why}, ${got}`
          : `${name} must be from ${rule.min} to ${rule.max}${why}, ${got}`,
    };
  return { ok: true, value };
}

function rangeOf({ min, max }: WholeNumberRule): string {
  if (max >= Number.MAX_SAFE_INTEGER) return min > 1 ? ` of at least ${min}` : '';
  return min === 0 ? ` up to ${max}` : ` from ${min} to ${max}`;
}
