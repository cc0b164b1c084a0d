/** What one server of a type costs in one location, in euros, excluding VAT. */
export interface Price {
  /** Billed per started hour until the monthly cap is reached. */
  hourly: number;
  /** The monthly cap: a server never costs more than this in one calendar month. */
  monthly: number;
}

export interface PriceTable {
  /** Date (YYYY-MM-DD) the prices were copied; they change, so reports show it. */
  asOf: string;
  currency: 'EUR';
  source: string;
  /** Server type → location → price. A missing location means the type is not offered there. */
  types: Readonly<Record<string, Readonly<Record<string, Price>>>>;
  /**
   * A primary IPv4 address, billed beside every server that has one (prenv's servers all do:
   * `public_net { ipv4_enabled = true }` in terraform/modules/base). Absent: not counted.
   */
  ipv4?: Price;
}

export type PriceLookup =
  | { ok: true; price: Price }
  | { ok: false; reason: 'unknown_type' | 'not_in_location'; message: string };

/** Hours in an average month; Hetzner's hourly rates are about the monthly cap divided by this. */
export const HOURS_PER_MONTH = 730;

const EU = ['fsn1', 'nbg1', 'hel1'] as const;

/** The same price in every location listed; hourly = monthly / 730, rounded up to 0.0001 €. */
function inLocations(locations: readonly string[], monthly: number): Record<string, Price> {
  const hourly = Math.ceil((monthly / HOURS_PER_MONTH) * 10_000) / 10_000;
  return Object.fromEntries(locations.map((l) => [l, { hourly, monthly }]));
}

/**
 * Hetzner Cloud server prices in the EU locations, for every family `doctor` and `init` can name:
 * shared cx (Intel/AMD, both generations), cpx (AMD), cax (Arm) and dedicated ccx. cx22, cx32,
 * cx42 and cx52 are the monthly prices of the reference deployment (seed 002); the others and
 * the primary IPv4 address are from Hetzner's price list (https://www.hetzner.com/cloud). Hetzner
 * changes its prices and the US and Singapore locations have their own: `prenv doctor` reads
 * the live ones from the API (`GET /server_types`), and `costReport` takes a current table where
 * the numbers matter. Servers and their primary IPv4 only: volumes, backups, load balancers and
 * traffic are not included.
 */
export const HETZNER_PRICES: PriceTable = {
  asOf: '2025-10-16',
  currency: 'EUR',
  source: 'seed 002 (cx22, cx32, cx42, cx52) and https://www.hetzner.com/cloud',
  types: {
    cx22: inLocations(EU, 4.59),
    cx32: inLocations(EU, 11.55),
    cx42: inLocations(EU, 23.1),
    cx52: inLocations(EU, 46.2),
    cx23: inLocations(EU, 2.99),
    cx33: inLocations(EU, 4.99),
    cx43: inLocations(EU, 9.99),
    cx53: inLocations(EU, 17.49),
    cpx11: inLocations(EU, 4.35),
    cpx21: inLocations(EU, 7.55),
    cpx31: inLocations(EU, 13.6),
    cpx41: inLocations(EU, 25.2),
    cpx51: inLocations(EU, 54.9),
    cax11: inLocations(EU, 3.79),
    cax21: inLocations(EU, 6.49),
    cax31: inLocations(EU, 12.49),
    cax41: inLocations(EU, 24.49),
    ccx13: inLocations(EU, 12.49),
    ccx23: inLocations(EU, 24.49),
    ccx33: inLocations(EU, 48.49),
    ccx43: inLocations(EU, 96.49),
    ccx53: inLocations(EU, 192.49),
    ccx63: inLocations(EU, 288.49),
  },
  ipv4: { hourly: 0.0008, monthly: 0.5 },
};

/** What one server of `serverType` costs in `location`, server alone; a failure says what the table lacks. */
export function priceOf(table: PriceTable, serverType: string, location: string): PriceLookup {
  const byLocation = table.types[serverType];
  if (!byLocation)
    return {
      ok: false,
      reason: 'unknown_type',
      message: `no price for server type ${serverType} in the price table of ${table.asOf}`,
    };
  const price = byLocation[location];
  if (!price)
    return {
      ok: false,
      reason: 'not_in_location',
      message:
        `no price for ${serverType} in ${location} in the price table of ${table.asOf} ` +
        `(listed for ${Object.keys(byLocation).join(', ')})`,
    };
  return { ok: true, price };
}

/**
 * What one server costs with its primary IPv4 address, as Hetzner bills both (euros, excluding
 * VAT; hourly rounded to 0.0001 €, monthly to the cent). Without an `ipv4` price in the table,
 * the server alone.
 */
export function serverWithIpv4Price(
  table: PriceTable,
  serverType: string,
  location: string,
): PriceLookup {
  const found = priceOf(table, serverType, location);
  const ip = table.ipv4;
  if (!found.ok || !ip) return found;
  return {
    ok: true,
    price: {
      hourly: Math.round((found.price.hourly + ip.hourly) * 10_000) / 10_000,
      monthly: Math.round((found.price.monthly + ip.monthly) * 100) / 100,
    },
  };
}
