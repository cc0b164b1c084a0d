import Bottleneck from 'bottleneck';
import type { OctokitOptions } from '../../bot/adapters/github/octokit-factory.js';

/**
 * Octokit retry and throttling options for tests: the same plugins and code paths, but writes
 * are not spaced 1 s apart and a `retry-after` of n seconds waits n milliseconds.
 */
export function fastLimits(): Pick<OctokitOptions, 'retry' | 'throttle'> {
  return {
    retry: { retryAfterBaseValue: 1 },
    throttle: {
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
      retryAfterBaseValue: 1,
    },
  };
}
