/**
 * Go's time.ParseDuration, which Nomad's jobspec2 uses for every duration attribute: an
 * optional sign, then one or more decimal numbers (`1`, `1.5`, `.5`, `1.`) each with a unit,
 * `ns`, `us` (`µs`, `μs`), `ms`, `s`, `m` or `h`; a lone `0` needs no unit. The one Go-duration
 * grammar of prenv (the jobspec validator, the Nomad adapter, Terraform's `-lock-timeout`);
 * prenv.yml's own is `./duration.ts`.
 */

const unitNanos: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3, // U+00B5 micro sign
  μs: 1e3, // U+03BC Greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const part = /^(\d*)(?:\.(\d*))?([^\d.]+)/;

export interface GoDurationOptions {
  /**
   * Also read an integer without unit (`42`, `-42`) as nanoseconds, the way Nomad's API JSON
   * writes a time.Duration; Go's parser itself refuses it.
   */
  bareNanos?: boolean;
}

/** Nanoseconds, or undefined when Go would reject the text. */
export function parseGoDuration(text: string, options: GoDurationOptions = {}): number | undefined {
  if (options.bareNanos && /^-?\d+$/.test(text)) return Number(text);
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  while (rest !== '') {
    const match = part.exec(rest);
    if (!match) return undefined;
    const [whole, intPart = '', fraction, unit = ''] = match;
    if (intPart === '' && (fraction === undefined || fraction === '')) return undefined;
    const scale = unitNanos[unit];
    if (scale === undefined) return undefined;
    total += Number(`${intPart || '0'}.${fraction ?? '0'}`) * scale;
    rest = rest.slice(whole.length);
  }
  return sign * total;
}

/**
 * Whole milliseconds as a Go duration text (`600s`, `1500ms`, `0s`) that `parseGoDuration`
 * and Terraform's `-lock-timeout` read back; throws on a negative or fractional number.
 */
export function goDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new Error(`A duration must be a whole, non-negative number of ms, got ${ms}`);
  }
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** A duration value as hcl2json or API JSON gives it: a Go duration string or nanoseconds. */
export function durationNanos(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return parseGoDuration(value);
  return undefined;
}
