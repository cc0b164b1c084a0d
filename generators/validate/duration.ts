/** Go's time.ParseDuration, which Nomad's jobspec2 uses for every duration attribute. */

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

/** Nanoseconds, or undefined when Go would reject the text. */
export function parseGoDuration(text: string): number | undefined {
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

/** A duration value as hcl2json or API JSON gives it: a Go duration string or nanoseconds. */
export function durationNanos(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return parseGoDuration(value);
  return undefined;
}
