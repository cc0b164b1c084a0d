import { describe, expect, it } from 'vitest';
import { readRuntimeSettings } from '../../bot/wiring/settings.js';

/**
 * Every numeric or duration setting has bounds: a value outside them is refused with an error
 * naming the variable and what it must be, never passed on to a timer (Node fires a delay over
 * 2^31−1 ms at once) or a date (an out-of-range one throws).
 */
describe('numeric and duration settings are bounded', () => {
  it.each([
    ['PRENV_SETTLE_MS', '3600001', 'PRENV_SETTLE_MS must be at most 3600000, got "3600001"'],
    ['PRENV_TICK_MS', '0', 'PRENV_TICK_MS must be from 50 to 3600000, got "0"'],
    ['PRENV_TICK_MS', '99999999999', 'PRENV_TICK_MS must be from 50 to 3600000'],
    [
      'PRENV_QUEUE_EDIT_DEBOUNCE_MS',
      '1e12',
      'PRENV_QUEUE_EDIT_DEBOUNCE_MS must be at most 3600000, got "1e12"',
    ],
    ['PRENV_STALL_MS', '10', 'PRENV_STALL_MS must be from 1000 to 86400000, got "10"'],
    ['PRENV_STALL_MS', '86400001', 'PRENV_STALL_MS must be from 1000 to 86400000'],
    ['PRENV_LEADER_TTL_MS', '86400001', "from 10000 to 86400000 (Consul's session TTL)"],
    [
      'PRENV_LEADER_LOCK_DELAY_MS',
      '-1',
      'PRENV_LEADER_LOCK_DELAY_MS must be a number of milliseconds',
    ],
    ['PRENV_RUN_ABANDON_MS', '59999', 'PRENV_RUN_ABANDON_MS must be from 60000 to 604800000'],
    ['PRENV_SETTLE_MS', 'soon', 'PRENV_SETTLE_MS must be a number of milliseconds, got "soon"'],
    ['PRENV_DELIVERY_RETENTION', '366d', 'PRENV_DELIVERY_RETENTION is 366d'],
    ['PRENV_DELIVERY_RETENTION', '99999999999d', 'set at most 365d'],
    ['PRENV_DELIVERY_RETENTION', '8761h', 'set at most 365d'],
    ['PRENV_RUN_RETRY_MS', '999', 'PRENV_RUN_RETRY_MS must be from 1000 to 3600000, got "999"'],
    ['PRENV_RUN_RETRY_MS', '3600001', 'PRENV_RUN_RETRY_MS must be from 1000 to 3600000'],
    ['PRENV_RUN_RETRY_MAX_MS', '86400001', 'PRENV_RUN_RETRY_MAX_MS must be from 1000 to 86400000'],
    [
      'PRENV_RUN_RETRY_MAX_MS',
      '20000',
      'PRENV_RUN_RETRY_MAX_MS (20000) is less than PRENV_RUN_RETRY_MS (30000)',
    ],
    [
      'PRENV_GITHUB_WRITE_SPACING_MS',
      '60001',
      'PRENV_GITHUB_WRITE_SPACING_MS must be at most 60000',
    ],
    ['PRENV_GITHUB_WRITE_SPACING_MS', 'fast', 'must be a number of milliseconds, got "fast"'],
    // github.com's API is the default; it asks for at least 1 s between writes.
    [
      'PRENV_GITHUB_WRITE_SPACING_MS',
      '999',
      'GitHub (https://api.github.com) asks for at least 1000 ms',
    ],
  ])('%s=%s is refused', (name, value, message) => {
    const result = readRuntimeSettings({ [name]: value });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
  });

  it.each([
    ['PRENV_SETTLE_MS', '0', 'settleMs', 0],
    ['PRENV_SETTLE_MS', '3600000', 'settleMs', 3_600_000],
    ['PRENV_TICK_MS', '50', 'tickMs', 50],
    ['PRENV_QUEUE_EDIT_DEBOUNCE_MS', '0', 'queueEditDebounceMs', 0],
    ['PRENV_STALL_MS', '86400000', 'stallMs', 86_400_000],
    ['PRENV_DELIVERY_RETENTION', '365d', 'deliveryRetentionMs', 365 * 86_400_000],
    ['PRENV_DELIVERY_RETENTION', '8760h', 'deliveryRetentionMs', 8_760 * 3_600_000],
    ['PRENV_GITHUB_WRITE_SPACING_MS', '60000', 'githubWriteSpacingMs', 60_000],
    ['PRENV_RUN_ABANDON_MS', '604800000', 'runAbandonMs', 604_800_000],
  ] as const)('%s=%s, at a bound, is taken', (name, value, key, expected) => {
    const result = readRuntimeSettings({ [name]: value });
    expect(result.ok && result.settings[key]).toBe(expected);
  });

  it('keeps the defaults when nothing is set', () => {
    const result = readRuntimeSettings({});
    expect(result.ok && result.settings).toMatchObject({
      settleMs: 2_000,
      tickMs: 30_000,
      queueEditDebounceMs: 10_000,
      stallMs: 300_000,
      leader: { ttlMs: 15_000, lockDelayMs: 5_000 },
      deliveryRetentionMs: 7 * 86_400_000,
      runRetry: { baseMs: 30_000, maxMs: 1_800_000 },
      githubWriteSpacingMs: 1_000,
    });
  });

  it.each([
    [{ PRENV_RUN_RETRY_MS: '1000' }, { baseMs: 1_000, maxMs: 1_800_000 }],
    [
      { PRENV_RUN_RETRY_MS: '3600000', PRENV_RUN_RETRY_MAX_MS: '3600000' },
      { baseMs: 3_600_000, maxMs: 3_600_000 },
    ],
    [
      { PRENV_RUN_RETRY_MS: '1000', PRENV_RUN_RETRY_MAX_MS: '1000' },
      { baseMs: 1_000, maxMs: 1_000 },
    ],
    [{ PRENV_RUN_RETRY_MAX_MS: '86400000' }, { baseMs: 30_000, maxMs: 86_400_000 }],
  ])('takes the retry of failed runs %j', (env, runRetry) => {
    const result = readRuntimeSettings(env);
    expect(result.ok && result.settings.runRetry).toEqual(runRetry);
  });
});

/**
 * GitHub asks for a second between writes; GHE.com enforces the same secondary rate limits, and
 * a GitHub Enterprise Server only those its administrator enabled.
 */
describe("PRENV_GITHUB_WRITE_SPACING_MS below GitHub's 1 s", () => {
  it.each([
    ['https://api.github.com', false],
    ['https://api.github.com/', false],
    ['https://api.octocorp.ghe.com', false],
    ['https://github.example.com/api/v3', true],
    ['http://127.0.0.1:8080', true],
  ])('against %s is taken: %s', (api, taken) => {
    const result = readRuntimeSettings({
      PRENV_GITHUB_API_URL: api,
      PRENV_GITHUB_WRITE_SPACING_MS: '0',
    });
    expect(result.ok).toBe(taken);
    if (result.ok) expect(result.settings.githubWriteSpacingMs).toBe(0);
    else
      expect(result.errors.join('\n')).toMatch(
        /a shorter spacing is only for a GitHub Enterprise Server without rate limits/,
      );
  });
});
