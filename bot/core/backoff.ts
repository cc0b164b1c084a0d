/**
 * How a failing operation is tried again: exponential backoff, capped, with optional jitter.
 * The one policy type for the planner's env retries, the engine's delivery retries, the
 * GitHub reporter and the adapters' request retries (`withRetries` in `adapters/retry.ts`).
 */
export interface RetryPolicy {
  /** Delay after the first failure (ms); each further failure doubles it. */
  baseMs: number;
  /** Longest delay (ms). */
  maxMs: number;
  /**
   * Attempts in all, the first one included: after this many consecutive failures the
   * operation is given up (the planner's destroys never give up).
   */
  maxAttempts: number;
  /**
   * Share of each delay taken off at random, 0 (none, the default) to 1: a delay `d` becomes
   * one in `(d·(1−jitter), d]`, so clients that failed together do not retry together ("equal
   * jitter" with jitter 0.5, AWS Architecture Blog, "Exponential Backoff And Jitter").
   */
  jitter?: number;
}

/** A number in [0, 1), as `Math.random` gives; injected so tests can fix it. */
export type Random = () => number;

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 30_000, maxMs: 30 * 60_000, maxAttempts: 5 };

/** One attempt, no retry. */
export const noRetry: RetryPolicy = { baseMs: 0, maxMs: 0, maxAttempts: 1 };

/**
 * Delay before retry number `failures` (1 = after the first failure), in ms:
 * base·2^(failures−1), capped at `maxMs`, less the policy's jitter share of it.
 */
export function retryDelay(
  failures: number,
  policy: RetryPolicy,
  random: Random = Math.random,
): number {
  const exponent = Math.max(0, failures - 1);
  const delay = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(exponent, 30));
  const jitter = Math.min(1, Math.max(0, policy.jitter ?? 0));
  return jitter === 0 ? delay : Math.round(delay * (1 - jitter * random()));
}

/** Whether another attempt follows the `failures`-th consecutive failure. */
export function retriesLeft(failures: number, policy: RetryPolicy): boolean {
  return failures < policy.maxAttempts;
}

/** When to retry after the `attempts`-th consecutive failure at `now`; null when giving up. */
export function nextRetryAt(
  attempts: number,
  now: number,
  policy: RetryPolicy,
  retryForever: boolean,
): number | null {
  if (!retryForever && !retriesLeft(attempts, policy)) return null;
  return now + retryDelay(attempts, policy);
}
