import { parseGoDuration } from '../../config/go-duration.js';

/** Nomad's JSON encodes every time.Duration as an integer number of nanoseconds. */
const NS_PER_MS = 1_000_000;

export function msToNs(ms: number): number {
  return Math.round(ms * NS_PER_MS);
}

export function nsToMs(ns: number): number {
  return ns / NS_PER_MS;
}

/**
 * Converts a Go duration string ("10s", "1m30s", "250ms") to whole nanoseconds, as jobspec2
 * does for HCL duration attributes (Go's grammar: `parseGoDuration`). A bare integer is
 * already nanoseconds. Returns undefined when the text is not a Go duration.
 */
export function goDurationToNs(text: string): number | undefined {
  const ns = parseGoDuration(text, { bareNanos: true });
  return ns === undefined ? undefined : Math.round(ns);
}
