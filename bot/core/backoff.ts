export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  /** Automatic retries stop after this many consecutive failures (destroys never stop). */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 30_000, maxMs: 30 * 60_000, maxAttempts: 5 };

/** Delay before retry number `attempts` (1 = after the first failure): base·2^(n−1), capped. */
export function retryDelay(attempts: number, policy: RetryPolicy): number {
  const exponent = Math.max(0, attempts - 1);
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(exponent, 30));
}

/** When to retry after the `attempts`-th consecutive failure at `now`; null when giving up. */
export function nextRetryAt(
  attempts: number,
  now: number,
  policy: RetryPolicy,
  retryForever: boolean,
): number | null {
  if (!retryForever && attempts >= policy.maxAttempts) return null;
  return now + retryDelay(attempts, policy);
}
