import { costBetween, roundEur } from './cost.js';
import type { Price } from './prices.js';

const HOUR = 3_600_000;

/** From `at` (epoch ms) on, `used` PR environments held a slot of the `cap` then configured. */
export interface SlotSample {
  at: number;
  used: number;
  cap: number;
}

/** One bucket of the slots chart: the most slots held at any time in [from, to). */
export interface SlotBucket {
  from: number;
  to: number;
  /** null: nothing was recorded yet then. */
  peak: number | null;
}

/** The sample in force at each time, ending with `current` (the world's value now) at `now`. */
function withNow(samples: readonly SlotSample[], now: number, current: number): SlotSample[] {
  const kept = samples.filter((s) => s.at <= now);
  const cap = kept.at(-1)?.cap ?? 0;
  return [...kept, { at: now, used: current, cap }];
}

/**
 * The peak of slots used per bucket of `bucketMs` over the `windowMs` before `now` (epoch ms),
 * from samples oldest first (led by the one in force at the window's start, as
 * `StateStore.slotSamples` gives them) and the slots used `now`. Buckets before the first sample
 * have a null peak.
 */
export function slotBuckets(
  samples: readonly SlotSample[],
  now: number,
  current: number,
  windowMs = 7 * 24 * HOUR,
  bucketMs = HOUR,
): SlotBucket[] {
  const all = withNow(samples, now, current);
  const count = Math.ceil(windowMs / bucketMs);
  const start = now - count * bucketMs;
  const buckets: SlotBucket[] = [];
  let i = 0;
  for (let b = 0; b < count; b++) {
    const from = start + b * bucketMs;
    const to = from + bucketMs;
    while (i + 1 < all.length && all[i + 1]!.at <= from) i++;
    const inForce = all[i]!.at <= from;
    let peak: number | null = inForce ? all[i]!.used : null;
    for (let j = inForce ? i + 1 : i; j < all.length && all[j]!.at < to; j++)
      peak = Math.max(peak ?? 0, all[j]!.used);
    buckets.push({ from, to, peak });
  }
  return buckets;
}

/** What the PR environments cost this calendar month (UTC) so far, against the cap's worst case. */
export interface MonthCost {
  /** Epoch ms of the month's first and the next month's first instant (UTC). */
  monthStart: number;
  monthEnd: number;
  now: number;
  cap: number;
  price: Price;
  /**
   * € so far: slot-hours × the hourly price, at most `worstSoFar` (an estimate: Hetzner bills
   * started hours, up to an hour more per server, and caps each server at the monthly price).
   */
  spent: number;
  /** When the first sample of the month was recorded: nothing before is counted; null if none. */
  recordedSince: number | null;
  /** € if all `cap` slots had been held since the month began (Hetzner's started hours, monthly cap). */
  worstSoFar: number;
  /** € for `cap` servers the whole month: at most `cap` × the monthly price. */
  worstMonth: number;
  /** € spent by the end of each bucket up to `now`, for the chart. */
  spentBy: { at: number; eur: number }[];
}

/**
 * This month's cost of the PR environments from the slot samples (oldest first, led by the one
 * in force at the month's start) and the slots used `now`, at `price` (€, from the cost view's
 * price table, `costReport`); `cap` is the current `previews.max`.
 */
export function monthCost(
  samples: readonly SlotSample[],
  now: number,
  current: number,
  cap: number,
  price: Price,
  bucketMs = 6 * HOUR,
): MonthCost {
  const d = new Date(now);
  const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const monthEnd = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  const all = withNow(samples, now, current);
  const first = samples.find((s) => s.at <= now);
  const recordedSince = first ? Math.max(first.at, monthStart) : null;
  const worstUntil = (to: number) =>
    to > monthStart ? cap * costBetween(price, monthStart, to) : 0;
  /**
   * € spent from the month's start to `to`: slot-hours at the hourly price, never more than the
   * worst case by then (which holds the monthly price cap of servers that lived all month).
   */
  const spentUntil = (to: number) => {
    let eur = 0;
    for (const [k, s] of all.entries()) {
      const a = Math.max(s.at, monthStart);
      const b = Math.min(all[k + 1]?.at ?? now, to);
      if (b > a) eur += (s.used * (b - a) * price.hourly) / HOUR;
    }
    return roundEur(Math.min(eur, worstUntil(to)));
  };
  const spentBy: MonthCost['spentBy'] = [{ at: monthStart, eur: 0 }];
  for (let at = monthStart + bucketMs; at < now; at += bucketMs)
    spentBy.push({ at, eur: spentUntil(at) });
  const spent = spentUntil(now);
  if (now > monthStart) spentBy.push({ at: now, eur: spent });
  return {
    monthStart,
    monthEnd,
    now,
    cap,
    price,
    spent,
    recordedSince,
    worstSoFar: roundEur(worstUntil(now)),
    worstMonth: roundEur(cap * costBetween(price, monthStart, monthEnd)),
    spentBy,
  };
}
