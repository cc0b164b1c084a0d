import { retriesLeft, retryDelay, type Random, type RetryPolicy } from '../core/backoff.js';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

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

export interface RetryOptions {
  policy: RetryPolicy;
  /** Whether this failure may be tried again; anything else is thrown at once. */
  retryable: (err: unknown) => boolean;
  sleep?: Sleep;
  random?: Random;
  /** Told of each failure that will be retried, before the wait. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs `work` (given the 1-based attempt number) until it succeeds, fails with an error that
 * is not `retryable`, or has failed `policy.maxAttempts` times; then throws its last error.
 * The only retry loop of the adapters: Nomad's HTTP API and Caddy's admin API use it.
 */
export async function withRetries<T>(
  work: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work(attempt);
    } catch (err) {
      if (!options.retryable(err) || !retriesLeft(attempt, options.policy)) throw err;
      const delay = retryDelay(attempt, options.policy, options.random);
      options.onRetry?.(err, attempt, delay);
      await sleep(delay);
    }
  }
}
