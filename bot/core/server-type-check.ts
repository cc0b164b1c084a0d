import type { Config } from '../config/config.js';
import { knownServerTypes, serverTypeAdvice } from './hetzner-server-types.js';
import { HETZNER_PRICES, priceOf, type PriceTable } from './prices.js';

/** When Hetzner stops offering a type (the API's `deprecation`), ISO times. */
export interface Deprecation {
  announced: string;
  unavailableAfter: string;
}

/**
 * What `GET /server_types` says of one type (docs.hetzner.cloud, "Server Types"): the fields
 * this check reads. Prices are net euros per server, per location.
 */
export interface ServerTypeFacts {
  name: string;
  cores: number;
  memoryGB: number;
  architecture: string;
  cpuType: string;
  deprecation: Deprecation | null;
  locations: { name: string; deprecation: Deprecation | null }[];
  prices: { location: string; hourly: number; monthly: number }[];
}

/** A server type prenv.yml makes Terraform create, and the setting that names it. */
export interface ServerTypeUse {
  setting: 'hetzner.server_type' | 'hetzner.preview_server_type';
  serverType: string;
}

export interface ServerTypeFinding {
  status: 'ok' | 'warn' | 'error';
  serverType: string;
  setting: ServerTypeUse['setting'];
  detail: string;
}

/** Every type the config creates servers of: production and staging, and previews if set apart. */
export function serverTypeUses(config: Pick<Config, 'hetzner'>): ServerTypeUse[] {
  const uses: ServerTypeUse[] = [
    { setting: 'hetzner.server_type', serverType: config.hetzner.server_type },
  ];
  const preview = config.hetzner.preview_server_type;
  if (preview && preview !== config.hetzner.server_type)
    uses.push({ setting: 'hetzner.preview_server_type', serverType: preview });
  return uses;
}

/**
 * Each used type against Hetzner's own list (`live`, from `GET /server_types`) at `now` (epoch
 * ms): a type past its `unavailable_after` (as a whole or in `location`), missing from the list
 * or not offered in `location` is an error, since every create would be refused; a deprecated
 * type still on sale is a warning. Both name the setting to change and a successor with its
 * price (net €/month, from the API, else from `prices`). Without `live` (no API token), prenv's
 * own table of deprecated types answers, and says so.
 */
export function checkServerTypes(input: {
  uses: ServerTypeUse[];
  location: string;
  live: ServerTypeFacts[] | null;
  now: number;
  prices?: PriceTable;
  /** Why prenv's table answers instead of Hetzner, said after each finding; default: no token. */
  tableNote?: string;
}): ServerTypeFinding[] {
  const prices = input.prices ?? HETZNER_PRICES;
  const note = `(prenv's table; ${input.tableNote ?? "set PRENV_HCLOUD_TOKEN for Hetzner's own answer"})`;
  return input.uses.map((use) =>
    input.live
      ? checkLive(use, input.location, input.live, input.now, prices)
      : checkOffline(use, input.location, prices, note),
  );
}

function checkOffline(
  use: ServerTypeUse,
  location: string,
  prices: PriceTable,
  note: string,
): ServerTypeFinding {
  const advice = serverTypeAdvice(use.serverType);
  const base = { serverType: use.serverType, setting: use.setting };
  if (!knownServerTypes().includes(use.serverType))
    return {
      ...base,
      status: 'warn',
      detail: `${use.serverType} (${use.setting}) is not in prenv's table of Hetzner server types (${knownServerTypes().join(', ')}); Terraform's create is refused if Hetzner has no such type ${note}`,
    };
  if (!advice.successor)
    return { ...base, status: 'ok', detail: `${use.serverType} in ${location} ${note}` };
  const price = tablePrice(advice.successor, location, prices);
  return {
    ...base,
    status: 'warn',
    detail:
      `Hetzner has deprecated ${use.serverType} (${use.setting}); new servers may be refused. ` +
      `Its successor ${advice.successor}${price ? ` costs ${price}` : ''}. ` +
      `Set ${use.setting}: ${advice.successor} in prenv.yml. ${note}`,
  };
}

function checkLive(
  use: ServerTypeUse,
  location: string,
  live: ServerTypeFacts[],
  now: number,
  prices: PriceTable,
): ServerTypeFinding {
  const base = { serverType: use.serverType, setting: use.setting };
  const type = live.find((t) => t.name === use.serverType);
  if (!type) {
    const fit = successorOf(undefined, use.serverType, location, live);
    return {
      ...base,
      status: 'error',
      detail:
        `Hetzner has no server type ${use.serverType} (${use.setting}); every create would be refused. ` +
        (fit
          ? `Set ${use.setting}: ${fit.name} (${livePrice(fit, location)}) in prenv.yml.`
          : `Set ${use.setting} to a type Hetzner lists.`),
    };
  }
  const inLocation = type.locations.find((l) => l.name === location);
  const deprecation = inLocation?.deprecation ?? type.deprecation;
  const gone = deprecation !== null && Date.parse(deprecation.unavailableAfter) <= now;
  const offered = inLocation !== undefined && !gone;
  if (offered && !deprecation) {
    return {
      ...base,
      status: 'ok',
      detail: `${use.serverType} in ${location}, ${livePrice(type, location)} (Hetzner API)`,
    };
  }
  const fit = successorOf(type, use.serverType, location, live);
  const fix = fit
    ? `Its successor ${fit.name} costs ${livePrice(fit, location) || tablePrice(fit.name, location, prices)}. Set ${use.setting}: ${fit.name} in prenv.yml.`
    : `Set ${use.setting} to a type Hetzner offers in ${location}.`;
  if (!inLocation)
    return {
      ...base,
      status: 'error',
      detail: `Hetzner does not offer ${use.serverType} (${use.setting}) in ${location} (hetzner.location); every create would be refused. ${fix}`,
    };
  const dates = deprecation
    ? `deprecated on ${day(deprecation.announced)}, ${gone ? 'unavailable since' : 'no new servers after'} ${day(deprecation.unavailableAfter)}`
    : '';
  return gone
    ? {
        ...base,
        status: 'error',
        detail: `Hetzner no longer offers ${use.serverType} (${use.setting}) in ${location} (${dates}); every create would be refused. ${fix}`,
      }
    : {
        ...base,
        status: 'warn',
        detail: `Hetzner has deprecated ${use.serverType} (${use.setting}) in ${location} (${dates}). ${fix}`,
      };
}

/**
 * The type to move to: prenv's known successor when Hetzner offers it, else the cheapest type
 * offered in `location` with the same architecture and CPU kind and at least the cores and memory.
 */
function successorOf(
  type: ServerTypeFacts | undefined,
  name: string,
  location: string,
  live: ServerTypeFacts[],
): ServerTypeFacts | undefined {
  const onSale = (t: ServerTypeFacts) => {
    const l = t.locations.find((x) => x.name === location);
    const d = l?.deprecation ?? t.deprecation;
    return l !== undefined && d === null && t.prices.some((p) => p.location === location);
  };
  const known = serverTypeAdvice(name).successor;
  const named = live.find((t) => t.name === known);
  if (named && onSale(named)) return named;
  if (!type) return undefined;
  return live
    .filter(
      (t) =>
        t.name !== type.name &&
        onSale(t) &&
        t.architecture === type.architecture &&
        t.cpuType === type.cpuType &&
        t.cores >= type.cores &&
        t.memoryGB >= type.memoryGB,
    )
    .sort((a, b) => monthly(a, location) - monthly(b, location))[0];
}

function monthly(t: ServerTypeFacts, location: string): number {
  return t.prices.find((p) => p.location === location)?.monthly ?? Infinity;
}

/** `€2.99 a month in nbg1`, or '' when Hetzner lists no price there. */
function livePrice(t: ServerTypeFacts, location: string): string {
  const m = monthly(t, location);
  return Number.isFinite(m) ? `${euros(m)} a month in ${location}` : '';
}

function tablePrice(type: string, location: string, prices: PriceTable): string {
  const found = priceOf(prices, type, location);
  return found.ok
    ? `${euros(found.price.monthly)} a month in ${location} (prices of ${prices.asOf})`
    : '';
}

function euros(n: number): string {
  return `€${n.toFixed(2)}`;
}

function day(iso: string): string {
  return iso.slice(0, 10) || 'an unknown date';
}
