import type { OctokitOptions } from '../../bot/adapters/github/octokit-factory.js';

/**
 * Octokit retry and throttling options for tests: the same plugins and code paths, but writes
 * are not spaced apart (`writeSpacingMs` 0, as against a GitHub without rate limits) and a
 * `retry-after` of n seconds waits n milliseconds.
 */
export function fastLimits(): Pick<OctokitOptions, 'retry' | 'throttle' | 'writeSpacingMs'> {
  return {
    retry: { retryAfterBaseValue: 1 },
    throttle: { retryAfterBaseValue: 1 },
    writeSpacingMs: 0,
  };
}
