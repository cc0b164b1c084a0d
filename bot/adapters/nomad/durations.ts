/** Nomad's JSON encodes every time.Duration as an integer number of nanoseconds. */
const NS_PER_MS = 1_000_000;

export function msToNs(ms: number): number {
  return Math.round(ms * NS_PER_MS);
}

export function nsToMs(ns: number): number {
  return ns / NS_PER_MS;
}

const UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/**
 * Converts a Go duration string ("10s", "1m30s", "250ms") to nanoseconds, as jobspec2 does
 * for HCL duration attributes. A bare number is already nanoseconds. Returns undefined when
 * the text is not a Go duration.
 */
export function goDurationToNs(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^-?\d+$/.test(trimmed)) return Number(trimmed);
  const match = /^(-?)((?:\d+(?:\.\d+)?(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(trimmed);
  if (!match) return undefined;
  let total = 0;
  for (const part of match[2]!.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * UNIT_NS[part[2]!]!;
  }
  return Math.round(match[1] === '-' ? -total : total);
}
