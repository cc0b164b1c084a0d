import type { Config } from '../config/config.js';
import type { EnvRecord, Phase, World } from './model.js';
import { envName } from './model.js';
import type { Price, PriceTable } from './prices.js';
import { HETZNER_PRICES, serverWithIpv4Price } from './prices.js';
import { holdsSlot } from './slots.js';

const HOUR = 3_600_000;

export type CostConfig = Pick<Config, 'hetzner' | 'environments' | 'previews'>;

export interface EnvCost {
  /** `production`, `staging` or `pr-N`. */
  env: string;
  kind: 'production' | 'staging' | 'pr';
  pr: number | null;
  phase: Phase | null;
  serverType: string;
  location: string;
  servers: number;
  /** Price of one server with its primary IPv4; null when the price table has none for this type and location. */
  price: Price | null;
  /** All servers of the env. */
  hourly: number | null;
  monthly: number | null;
  /**
   * Production and staging: whether Nomad runs their job (null: not asked, or Nomad unreadable).
   * One known not to be deployed is left out of `hourlyNow`. PR envs: null.
   */
  deployed: boolean | null;
  /** PR envs: when the server was created (first provision of this cycle), and what it cost since. */
  since: number | null;
  ageMs: number | null;
  billedHours: number | null;
  costSoFar: number | null;
}

/** A JSON-ready cost report; amounts in euros, rounded to 0.0001. */
export interface CostReport {
  at: number;
  currency: 'EUR';
  pricesAsOf: string;
  priceSource: string;
  /** Production, staging, then every PR env that may have a server (holds a slot), by number. */
  envs: EnvCost[];
  /** What the servers of deployed envs cost per hour right now (unknown ones counted). */
  hourlyNow: number;
  /** Envs known not to be deployed, left out of `hourlyNow`. */
  notDeployed: string[];
  /** Production + staging + the current PR envs, each kept for a whole month. */
  monthlyProjection: number;
  /** The most the PR envs can cost: `previews.max` envs, each for a whole month. */
  cap: {
    max: number;
    serverType: string;
    perEnvMonthly: number | null;
    monthly: number | null;
    /** Production + staging + the cap's worst case. */
    totalMonthly: number | null;
  };
  /** Prices the table lacks; totals leave those envs out. */
  problems: string[];
}

export interface CostOptions {
  prices?: PriceTable;
  /** Whether production's and staging's jobs run (from Nomad); absent or null: unknown. */
  deployed?: Partial<Record<'production' | 'staging', boolean | null>>;
}

/** Euros rounded to 0.0001, so sums of float prices print and compare stably. */
export function roundEur(amount: number): number {
  return Math.round(amount * 10_000) / 10_000;
}

/** Hetzner bills every started hour: at least one, even for a server that lived a minute. */
export function billedHours(from: number, to: number): number {
  return Math.max(1, Math.ceil((to - from) / HOUR));
}

/**
 * What one server cost from `from` to `to`: started hours at the hourly price, capped at the
 * monthly price within each calendar month (UTC), as Hetzner invoices.
 */
export function costBetween(price: Price, from: number, to: number): number {
  let total = 0;
  let start = from;
  for (;;) {
    const d = new Date(start);
    const monthEnd = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    const end = Math.min(to, monthEnd);
    total += Math.min(billedHours(start, end) * price.hourly, price.monthly);
    if (to <= monthEnd) return roundEur(total);
    start = monthEnd;
  }
}

/**
 * When the server of a PR env was created: the first provision step of this cycle. Steps are
 * capped in number, so without one the cycle start (queue ticket) is used: an upper bound on age.
 */
export function serverSince(env: EnvRecord): number {
  const provision = env.steps.find((s) => s.step === 'provision');
  return provision?.startedAt ?? env.ticket?.enqueuedAt ?? env.updatedAt;
}

export function previewServerType(config: CostConfig): string {
  return config.hetzner.preview_server_type ?? config.hetzner.server_type;
}

/**
 * The price of one PR env's server (with its IPv4) from the price table `costReport` uses; null
 * when the table lacks the type or location (the report names the problem).
 */
export function previewServerPrice(config: CostConfig, options: CostOptions = {}): Price | null {
  const found = serverWithIpv4Price(
    options.prices ?? HETZNER_PRICES,
    previewServerType(config),
    config.hetzner.location,
  );
  return found.ok ? found.price : null;
}

export function costReport(
  config: CostConfig,
  world: World,
  now: number,
  options: CostOptions = {},
): CostReport {
  const table = options.prices ?? HETZNER_PRICES;
  const problems = new Set<string>();
  const lookup = (serverType: string): Price | null => {
    const found = serverWithIpv4Price(table, serverType, config.hetzner.location);
    if (found.ok) return found.price;
    problems.add(found.message);
    return null;
  };
  const fixed = (kind: 'production' | 'staging'): EnvCost => {
    const servers = config.environments[kind].servers;
    const price = lookup(config.hetzner.server_type);
    return {
      ...base(kind, kind, null, null, config.hetzner.server_type, config.hetzner.location, servers),
      deployed: options.deployed?.[kind] ?? null,
      price,
      hourly: price && roundEur(price.hourly * servers),
      monthly: price && roundEur(price.monthly * servers),
    };
  };
  const prType = previewServerType(config);
  const prPrice = lookup(prType);
  const prEnvs = Object.values(world.envs)
    .filter((env) => holdsSlot(env.phase))
    .sort((a, b) => a.pr - b.pr)
    .map((env): EnvCost => {
      const since = serverSince(env);
      return {
        ...base(envName(env.pr), 'pr', env.pr, env.phase, prType, config.hetzner.location, 1),
        price: prPrice,
        hourly: prPrice && prPrice.hourly,
        monthly: prPrice && prPrice.monthly,
        since,
        ageMs: Math.max(0, now - since),
        billedHours: billedHours(since, now),
        costSoFar: prPrice && costBetween(prPrice, since, now),
      };
    });
  const envs = [fixed('production'), fixed('staging'), ...prEnvs];
  const sum = (values: (number | null)[]) =>
    roundEur(values.reduce<number>((a, v) => a + (v ?? 0), 0));
  const fixedMonthly = sum(envs.slice(0, 2).map((e) => e.monthly));
  const capMonthly = prPrice && roundEur(prPrice.monthly * config.previews.max);
  return {
    at: now,
    currency: table.currency,
    pricesAsOf: table.asOf,
    priceSource: table.source,
    envs,
    hourlyNow: sum(envs.filter((e) => e.deployed !== false).map((e) => e.hourly)),
    notDeployed: envs.filter((e) => e.deployed === false).map((e) => e.env),
    monthlyProjection: sum(envs.map((e) => e.monthly)),
    cap: {
      max: config.previews.max,
      serverType: prType,
      perEnvMonthly: prPrice && prPrice.monthly,
      monthly: capMonthly,
      totalMonthly: capMonthly === null ? null : roundEur(fixedMonthly + capMonthly),
    },
    problems: [...problems],
  };
}

function base(
  env: string,
  kind: EnvCost['kind'],
  pr: number | null,
  phase: Phase | null,
  serverType: string,
  location: string,
  servers: number,
): EnvCost {
  return {
    env,
    kind,
    pr,
    phase,
    serverType,
    location,
    servers,
    price: null,
    hourly: null,
    monthly: null,
    deployed: null,
    since: null,
    ageMs: null,
    billedHours: null,
    costSoFar: null,
  };
}
