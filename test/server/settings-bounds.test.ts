import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { abandonBound } from '../../bot/cli/deploy/run-owner.js';
import { readRuntimeSettings } from '../../bot/wiring/settings.js';
import { repoRoot } from '../support/tools.js';

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
      '99999999999',
      'PRENV_QUEUE_EDIT_DEBOUNCE_MS must be at most 3600000, got "99999999999"',
    ],
    ['PRENV_STALL_MS', '10', 'PRENV_STALL_MS must be from 1000 to 86400000, got "10"'],
    [
      'PRENV_STALL_MS',
      '1e3',
      'PRENV_STALL_MS must be a whole number of milliseconds from 1000 to 86400000, in decimal digits only (such as 300000), got "1e3"',
    ],
    ['PRENV_STALL_MS', '86400001', 'PRENV_STALL_MS must be from 1000 to 86400000'],
    ['PRENV_LEADER_TTL_MS', '86400001', "from 10000 to 86400000 (Consul's session TTL)"],
    [
      'PRENV_LEADER_LOCK_DELAY_MS',
      '-1',
      'PRENV_LEADER_LOCK_DELAY_MS must be a whole number of milliseconds up to 60000, in decimal digits only',
    ],
    [
      'PRENV_SETTLE_MS',
      'soon',
      'PRENV_SETTLE_MS must be a whole number of milliseconds up to 3600000, in decimal digits only (such as 2000), got "soon"',
    ],
    ['PRENV_RUN_ABANDON_MS', '59999', 'PRENV_RUN_ABANDON_MS must be from 60000 to 604800000'],
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
    [
      'PRENV_GITHUB_WRITE_SPACING_MS',
      'fast',
      'milliseconds up to 60000, in decimal digits only (such as 1000), got "fast"',
    ],
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

/**
 * Every numeric setting (ms, counts, GitHub ids) is plain decimal digits: what `Number()` would
 * also take (an exponent, hex, a sign, spaces, a fraction, `Infinity`) is refused, naming the
 * variable, the value and the form it must have, and a plain value in range is taken.
 */
describe('numeric settings take only decimal digits', () => {
  /** Each numeric variable, with a plain value in its range. */
  const NUMERIC: readonly (readonly [string, string])[] = [
    ['PRENV_SETTLE_MS', '2000'],
    ['PRENV_TICK_MS', '30000'],
    ['PRENV_QUEUE_EDIT_DEBOUNCE_MS', '10000'],
    ['PRENV_STALL_MS', '300000'],
    ['PRENV_LEADER_TTL_MS', '15000'],
    ['PRENV_LEADER_LOCK_DELAY_MS', '5000'],
    ['PRENV_RUN_RETRY_MS', '30000'],
    ['PRENV_RUN_RETRY_MAX_MS', '1800000'],
    ['PRENV_GITHUB_WRITE_SPACING_MS', '1000'],
    ['PRENV_RUN_LOG_RUNS', '200'],
    ['PRENV_RUN_ABANDON_MS', '600000'],
    ['PRENV_APP_ID', '123456'],
    ['PRENV_INSTALLATION_ID', '42'],
  ];
  const NOT_DECIMAL = [
    ...['1e3', '1E3', '3e5', '0x3e8', '0X3E8', '0o1750', '0b1111101000', '1_000', '1,000'],
    ...['+1000', '-1000', ' 1000', '1000 ', '1 000', '\t1000', '1000\n'],
    ...['1000.0', '1000.', '.5', '1000.5', 'Infinity', 'NaN', '１０００', '1000ms', '10s'],
  ];

  /** The errors `name=value` gets from the reader of that variable. */
  function errorsOf(name: string, value: string): string[] {
    if (name === 'PRENV_RUN_ABANDON_MS') {
      try {
        abandonBound(value);
        return [];
      } catch (err) {
        return [(err as Error).message];
      }
    }
    const result = readRuntimeSettings({ [name]: value });
    return result.ok ? [] : result.errors;
  }

  it.each(NUMERIC)('%s=%s is taken', (name, value) => {
    expect(errorsOf(name, value)).toEqual([]);
  });

  it.each(NUMERIC.flatMap(([name]) => NOT_DECIMAL.map((value) => [name, value] as const)))(
    '%s=%j is refused',
    (name, value) => {
      const errors = errorsOf(name, value);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(`${name} must be `);
      expect(errors[0]).toContain(', in decimal digits only (such as ');
      expect(errors[0]).toContain(`got ${JSON.stringify(value)}`);
    },
  );

  it('covers every numeric variable the README documents', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const documented = new Set(readme.match(/PRENV_[A-Z_]+_(?:MS|RUNS|ID)\b/g));
    // Named like numbers, but text: an OAuth client id and an S3 access key id.
    for (const text of ['PRENV_GITHUB_CLIENT_ID', 'PRENV_STATE_BUCKET_KEY_ID'])
      documented.delete(text);
    expect([...documented].sort()).toEqual(NUMERIC.map(([name]) => name).sort());
  });
});
