import { durationMs } from '../../config/duration.js';
import {
  enforcesSecondaryLimits,
  GITHUB_WRITE_SPACING_MS,
} from '../../adapters/github/write-spacing.js';
import type { Env } from './env-text.js';
import { parseWholeNumberSetting } from '../../core/whole-number-setting.js';
import { FOREIGN_RUN_BOUND_MS } from '../../runtime/run-holder.js';

/**
 * The bot's periods and waits, in ms. Each has bounds: below them the bot spins or gives up at
 * once, above them Node's timers overflow (a delay over 2^31−1 ms, 24.8 days, fires at once)
 * or a date computed from it is out of range.
 */
export interface Timing {
  /** How long a deploy waits for more pushes before it starts (`PRENV_SETTLE_MS`). */
  settleMs: number;
  /** The period of retries and TTL checks (`PRENV_TICK_MS`). */
  tickMs: number;
  /** Least time between sticky-comment edits that only move a queue position. */
  queueEditDebounceMs: number;
  /** `/healthz` fails when due deliveries waited this long without the worker progressing. */
  stallMs: number;
  /**
   * The leader lock of replicas sharing a Consul state (PRENV_LEADER_TTL_MS, default 15 s;
   * PRENV_LEADER_LOCK_DELAY_MS, default 5 s): a dead leader's runs resume after its liveness
   * check fails (5 s, at most TTL/2) plus the delay; Consul itself ends an unrenewed session
   * between 1 and 2 TTLs after its last renewal.
   */
  leader: { ttlMs: number; lockDelayMs: number };
  /**
   * How long a processed delivery's id is kept to refuse its redelivery
   * (`PRENV_DELIVERY_RETENTION`, a duration such as `7d`); older ones are pruned hourly.
   */
  deliveryRetentionMs: number;
  /**
   * Finished runs' output kept for the dashboard across restarts: the newest
   * `PRENV_RUN_LOG_RUNS` runs (default 200, at most 1,000) that ended within
   * `PRENV_RUN_LOG_RETENTION` (a duration, default 30d, at most 90d). Absent: the defaults.
   */
  runLogRetention?: { runs: number; maxAgeMs: number };
  /**
   * When a PR's failed run (provision, deploy, destroy) is tried again: `PRENV_RUN_RETRY_MS`
   * after the first failure (default 30 s), doubling after each further one up to
   * `PRENV_RUN_RETRY_MAX_MS` (default 30 min); the tick that finds the retry due starts it.
   */
  runRetry: { baseMs: number; maxMs: number };
  /**
   * Least time between two of the bot's writes to GitHub (`PRENV_GITHUB_WRITE_SPACING_MS`,
   * default 1,000 as GitHub asks); see `createOctokit`'s `writeSpacingMs`.
   */
  githubWriteSpacingMs: number;
  /**
   * How long a PR run of a prenv command on another host counts as live to the bot, at its
   * start and on each tick (`PRENV_RUN_ABANDON_MS`, default 6 h, as `prenv deploy pr` reads it);
   * see `sortRunsInFlight`.
   */
  runAbandonMs: number;
}

interface MsSetting {
  fallback: number;
  min: number;
  max: number;
  /** Why the bounds are what they are, when a source sets them. */
  why?: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const MS_SETTINGS = {
  PRENV_SETTLE_MS: { fallback: 2_000, min: 0, max: HOUR },
  PRENV_TICK_MS: { fallback: 30_000, min: 50, max: HOUR },
  PRENV_QUEUE_EDIT_DEBOUNCE_MS: { fallback: 10_000, min: 0, max: HOUR },
  PRENV_STALL_MS: { fallback: 5 * 60_000, min: 1_000, max: DAY },
  // Consul's bounds (developer.hashicorp.com/consul/api-docs/session): TTL 10s–86400s, lock-delay ≤ 60s.
  PRENV_LEADER_TTL_MS: { fallback: 15_000, min: 10_000, max: DAY, why: "Consul's session TTL" },
  PRENV_LEADER_LOCK_DELAY_MS: { fallback: 5_000, min: 0, max: 60_000, why: "Consul's lock-delay" },
  // Under a second a run that keeps failing starts again at once, hammering Hetzner's API;
  // the upper bounds keep a retry within the hour (first) and the day (longest).
  PRENV_RUN_RETRY_MS: { fallback: 30_000, min: 1_000, max: HOUR },
  PRENV_RUN_RETRY_MAX_MS: { fallback: 30 * 60_000, min: 1_000, max: DAY },
  PRENV_GITHUB_WRITE_SPACING_MS: { fallback: GITHUB_WRITE_SPACING_MS, min: 0, max: 60_000 },
  PRENV_RUN_ABANDON_MS: { fallback: FOREIGN_RUN_BOUND_MS, min: 60_000, max: 7 * DAY },
} satisfies Record<string, MsSetting>;

function ms(env: Env, name: keyof typeof MS_SETTINGS, errors: string[]): number {
  const setting: MsSetting = MS_SETTINGS[name];
  const raw = env[name];
  if (raw === undefined || raw === '') return setting.fallback;
  const parsed = parseWholeNumberSetting(name, raw, {
    ...setting,
    what: 'a whole number of milliseconds',
    example: setting.fallback,
  });
  if (parsed.ok) return parsed.value;
  errors.push(parsed.error);
  return NaN;
}

/**
 * GitHub lets a delivery be redelivered for 3 days on github.com and 7 on GitHub Enterprise
 * Server (docs.github.com, "Redelivering webhooks"): a delivery id kept 7 days refuses every
 * redelivery of one already processed.
 */
export const DEFAULT_DELIVERY_RETENTION = '7d';
const MIN_DELIVERY_RETENTION_MS = 3 * DAY;
/** A year of ids is far past any redelivery; more only grows the table (and 10^6 d is no date). */
const MAX_DELIVERY_RETENTION = '365d';

function retention(raw: string | undefined, errors: string[]): number {
  const text = raw ?? DEFAULT_DELIVERY_RETENTION;
  const value = /^\d+[smhd]$/.test(text) ? durationMs(text) : NaN;
  if (Number.isNaN(value)) {
    errors.push(`PRENV_DELIVERY_RETENTION must be a duration such as 7d or 96h, got "${text}"`);
  } else if (value < MIN_DELIVERY_RETENTION_MS) {
    errors.push(
      `PRENV_DELIVERY_RETENTION is ${text}: GitHub redelivers deliveries of the past 3 days, so a shorter retention would process a redelivery twice; set 3d or more (default ${DEFAULT_DELIVERY_RETENTION})`,
    );
  } else if (value > durationMs(MAX_DELIVERY_RETENTION)) {
    errors.push(
      `PRENV_DELIVERY_RETENTION is ${text}: GitHub redelivers deliveries of the past 7 days at most, so ids are not worth keeping longer; set at most ${MAX_DELIVERY_RETENTION} (default ${DEFAULT_DELIVERY_RETENTION})`,
    );
  }
  return value;
}

/** Each kept run weighs up to 128 KiB and all are read at start: 1,000 runs is 125 MiB at worst. */
const MAX_RUN_LOG_RUNS = 1_000;
const MAX_RUN_LOG_RETENTION_MS = 90 * DAY;

function runLogRetention(env: Env, errors: string[]): { runs: number; maxAgeMs: number } {
  const parsed = parseWholeNumberSetting('PRENV_RUN_LOG_RUNS', env.PRENV_RUN_LOG_RUNS ?? '200', {
    what: 'a whole number of runs',
    min: 1,
    max: MAX_RUN_LOG_RUNS,
    example: 200,
  });
  if (!parsed.ok) errors.push(parsed.error);
  const runs = parsed.ok ? parsed.value : NaN;
  const rawAge = env.PRENV_RUN_LOG_RETENTION ?? '30d';
  const maxAgeMs = /^\d+[smhd]$/.test(rawAge) ? durationMs(rawAge) : NaN;
  if (!(maxAgeMs > 0 && maxAgeMs <= MAX_RUN_LOG_RETENTION_MS))
    errors.push(
      `PRENV_RUN_LOG_RETENTION must be a duration such as 30d or 72h, at most 90d, got "${rawAge}"`,
    );
  return { runs, maxAgeMs };
}

function runRetry(env: Env, errors: string[]): { baseMs: number; maxMs: number } {
  const before = errors.length;
  const baseMs = ms(env, 'PRENV_RUN_RETRY_MS', errors);
  const maxMs = ms(env, 'PRENV_RUN_RETRY_MAX_MS', errors);
  if (errors.length === before && maxMs < baseMs)
    errors.push(
      `PRENV_RUN_RETRY_MAX_MS (${maxMs}) is less than PRENV_RUN_RETRY_MS (${baseMs}): the longest wait between retries cannot be shorter than the first`,
    );
  return { baseMs, maxMs };
}

/**
 * Writes may be spaced closer than GitHub asks only where no secondary rate limit answers them:
 * a GitHub Enterprise Server without rate limits, or a GitHub-compatible API of one's own.
 */
function githubWriteSpacing(env: Env, errors: string[]): number {
  const before = errors.length;
  const spacing = ms(env, 'PRENV_GITHUB_WRITE_SPACING_MS', errors);
  if (errors.length > before) return spacing;
  const api = env.PRENV_GITHUB_API_URL ?? 'https://api.github.com';
  if (spacing < GITHUB_WRITE_SPACING_MS && enforcesSecondaryLimits(api))
    errors.push(
      `PRENV_GITHUB_WRITE_SPACING_MS is ${spacing}: GitHub (${api}) asks for at least ${GITHUB_WRITE_SPACING_MS} ms between writes and answers closer ones with secondary rate limits; a shorter spacing is only for a GitHub Enterprise Server without rate limits or a GitHub-compatible API (PRENV_GITHUB_API_URL)`,
    );
  return spacing;
}

/** The timing settings of `env`; each problem is pushed onto `errors`, naming its variable. */
export function readTiming(env: Env, errors: string[]): Timing {
  return {
    settleMs: ms(env, 'PRENV_SETTLE_MS', errors),
    tickMs: ms(env, 'PRENV_TICK_MS', errors),
    runAbandonMs: ms(env, 'PRENV_RUN_ABANDON_MS', errors),
    queueEditDebounceMs: ms(env, 'PRENV_QUEUE_EDIT_DEBOUNCE_MS', errors),
    stallMs: ms(env, 'PRENV_STALL_MS', errors),
    leader: {
      ttlMs: ms(env, 'PRENV_LEADER_TTL_MS', errors),
      lockDelayMs: ms(env, 'PRENV_LEADER_LOCK_DELAY_MS', errors),
    },
    deliveryRetentionMs: retention(env.PRENV_DELIVERY_RETENTION, errors),
    runLogRetention: runLogRetention(env, errors),
    runRetry: runRetry(env, errors),
    githubWriteSpacingMs: githubWriteSpacing(env, errors),
  };
}
