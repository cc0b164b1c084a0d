export interface RetryPolicy {
  /** Total attempts, the first one included. */
  attempts: number;
  /** Delay before attempt `n + 1`, given the 1-based number `n` of the attempt that failed. */
  delayMs(failedAttempt: number): number;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Exponential backoff: base, 2·base, 4·base … capped at `maxMs`. */
export function exponentialBackoff(attempts = 4, baseMs = 250, maxMs = 5_000): RetryPolicy {
  return { attempts, delayMs: (n) => Math.min(maxMs, baseMs * 2 ** (n - 1)) };
}

export const noRetry: RetryPolicy = { attempts: 1, delayMs: () => 0 };

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
