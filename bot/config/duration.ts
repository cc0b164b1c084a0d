/**
 * prenv.yml's durations: a whole number and one unit, `s`, `m`, `h` or `d` (`90s`, `30m`,
 * `72h`, `7d`). The one grammar the schema checks and every reader (TTL, reconcile period,
 * Caddy route timeouts) converts; Go's grammar, which Nomad uses, is `./go-duration.ts`.
 */
export const DURATION_FORM = /^(\d+)([smhd])$/;

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds, or undefined when the text is not a prenv duration. */
export function parseDurationMs(text: string): number | undefined {
  const match = DURATION_FORM.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** A duration of prenv.yml (the schema checked the form) in ms; throws on any other text. */
export function durationMs(text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined) throw new Error(`not a duration: ${text}`);
  return ms;
}
