import { describe, expect, it } from 'vitest';
import { billedHours, costBetween, costReport, serverSince } from '../../bot/core/cost.js';
import type { PriceTable } from '../../bot/core/prices.js';
import { knownServerTypes, serverTypeAdvice } from '../../bot/core/hetzner-server-types.js';
import { HETZNER_PRICES, priceOf } from '../../bot/core/prices.js';
import { AIPACTO_YML, busyWorld, config } from '../cli/views/view-fixtures.js';
import { pull, Sim } from './fixtures.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const jan = (day: number, hour = 0, minute = 0) => Date.UTC(2025, 0, day, hour, minute);
const CX22 = { hourly: 0.0063, monthly: 4.59 };
const T = jan(15, 12);
/** The seed's figures are servers alone: the table without the primary IPv4 price. */
const { ipv4: _ipv4, ...SERVERS_ONLY } = HETZNER_PRICES;
const servers = { prices: SERVERS_ONLY };

describe('prices', () => {
  it.each([
    ['cx22', 4.59],
    ['cx32', 11.55],
    ['cx42', 23.1],
    ['cx52', 46.2],
  ])('keeps the seed price of %s (€%s a month) in the EU locations', (type, monthly) => {
    for (const location of ['fsn1', 'nbg1', 'hel1']) {
      const found = priceOf(HETZNER_PRICES, type, location);
      expect(found).toEqual({ ok: true, price: { monthly, hourly: expect.any(Number) } });
    }
  });

  it('has a price in the EU locations for every type on sale and every successor prenv names', () => {
    const types = knownServerTypes();
    expect(types).toEqual(
      expect.arrayContaining(['cx22', 'cx23', 'cpx11', 'cax11', 'ccx13', 'ccx63']),
    );
    const named = types.map((type) => serverTypeAdvice(type).successor ?? type);
    for (const type of [...new Set([...named, 'cx22', 'cx32', 'cx42', 'cx52'])])
      for (const location of ['fsn1', 'nbg1', 'hel1'])
        expect(priceOf(HETZNER_PRICES, type, location).ok, `${type} in ${location}`).toBe(true);
    expect(HETZNER_PRICES.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('sets every hourly price near the monthly cap / 730 h, never below it', () => {
    for (const [type, locations] of Object.entries(HETZNER_PRICES.types)) {
      for (const price of Object.values(locations)) {
        expect(price.hourly * 730, type).toBeGreaterThanOrEqual(price.monthly);
        expect(price.hourly * 730, type).toBeLessThan(price.monthly + 0.0001 * 730);
      }
    }
  });

  it.each([
    ['cx99', 'nbg1', 'unknown_type'],
    ['cx22', 'ash', 'not_in_location'],
  ])('has no price for %s in %s (%s)', (type, location, reason) => {
    expect(priceOf(HETZNER_PRICES, type, location)).toMatchObject({ ok: false, reason });
  });
});

describe('billing by started hours', () => {
  it.each([
    [0, 1],
    [1, 1],
    [HOUR, 1],
    [HOUR + 1, 2],
    [90 * MINUTE, 2],
    [72 * HOUR, 72],
  ])('%i ms are %i billed hours', (ms, hours) => {
    expect(billedHours(T, T + ms)).toBe(hours);
  });

  it.each([
    ['a minute', jan(10, 9), jan(10, 9, 1), 0.0063],
    ['3 hours', jan(10, 9), jan(10, 12), 0.0189],
    ['30 days', jan(1), jan(31), 4.536],
    ['all of January, capped', jan(1), Date.UTC(2025, 1, 1), 4.59],
    ['an hour across a month end', jan(31, 23, 30), Date.UTC(2025, 1, 1, 0, 30), 0.0126],
    ['January capped plus February', jan(1), Date.UTC(2025, 2, 1), 4.59 + 672 * 0.0063],
  ])('%s costs €%s', (_, from, to, euros) => {
    expect(costBetween(CX22, from, to)).toBeCloseTo(euros, 4);
  });
});

describe('costReport', () => {
  it('reproduces the seed: production €13.77, a PR €4.59, production and 15 PRs €82.62', () => {
    const report = costReport(config(), new Sim().world, T, servers);
    const [production, staging] = report.envs;
    expect(production).toMatchObject({ env: 'production', servers: 3, monthly: 13.77 });
    expect(staging).toMatchObject({ env: 'staging', servers: 1, monthly: 4.59 });
    expect(report.cap).toEqual({
      max: 15,
      serverType: 'cx22',
      perEnvMonthly: 4.59,
      monthly: 68.85,
      totalMonthly: 87.21,
    });
    expect(report.cap.totalMonthly! - staging!.monthly!).toBeCloseTo(82.62, 2);
  });

  it('counts every PR env that holds a slot, from its first provision', () => {
    const sim = busyWorld();
    const report = costReport(config(), sim.world, sim.now, servers);
    const prs = report.envs.filter((e) => e.kind === 'pr');
    expect(prs.map((e) => [e.env, e.phase])).toEqual([
      ['pr-7', 'live'],
      ['pr-12', 'redeploying'],
      ['pr-15', 'failed'],
    ]);
    const pr7 = prs[0]!;
    expect(pr7.since).toBe(serverSince(sim.env(7)));
    expect(pr7.billedHours).toBe(billedHours(pr7.since!, sim.now));
    expect(pr7.costSoFar).toBeCloseTo(pr7.billedHours! * 0.0063, 6);
    expect(report.hourlyNow).toBeCloseTo((3 + 1 + 3) * 0.0063, 6);
    expect(report.monthlyProjection).toBeCloseTo(13.77 + 4.59 + 3 * 4.59, 6);
  });

  it('prices PR envs with preview_server_type', () => {
    const yml = AIPACTO_YML.replace(
      'server_type: cx22',
      'server_type: cx22, preview_server_type: cax11',
    );
    const sim = new Sim();
    sim.live(1);
    const report = costReport(config(yml), sim.world, sim.now, servers);
    expect(report.envs.map((e) => e.serverType)).toEqual(['cx22', 'cx22', 'cax11']);
    expect(report.cap.perEnvMonthly).toBe(3.79);
  });

  it('reports prices the table lacks and leaves them out of the totals', () => {
    const yml = AIPACTO_YML.replace(
      'server_type: cx22',
      'server_type: cx22, preview_server_type: cx99',
    );
    const sim = new Sim();
    sim.live(1);
    const report = costReport(config(yml), sim.world, sim.now, servers);
    expect(report.problems).toEqual([
      'no price for server type cx99 in the price table of 2025-10-16',
    ]);
    expect(report.envs[2]).toMatchObject({ env: 'pr-1', hourly: null, costSoFar: null });
    expect(report.monthlyProjection).toBeCloseTo(13.77 + 4.59, 6);
    expect(report.cap.monthly).toBeNull();
  });

  it('adds the primary IPv4 address of every server, as Hetzner bills it', () => {
    const sim = new Sim();
    sim.live(1);
    const report = costReport(config(), sim.world, sim.now);
    const [production, staging, pr] = report.envs;
    expect(HETZNER_PRICES.ipv4).toEqual({ hourly: 0.0008, monthly: 0.5 });
    expect(production).toMatchObject({ servers: 3, price: { monthly: 5.09, hourly: 0.0071 } });
    expect(production?.monthly).toBe(15.27);
    expect(staging?.monthly).toBe(5.09);
    expect(pr?.monthly).toBe(5.09);
    expect(report.cap.perEnvMonthly).toBe(5.09);
  });

  it('uses the price table it is given', () => {
    const prices: PriceTable = {
      asOf: '2026-04-01',
      currency: 'EUR',
      source: 'test',
      types: { cx22: { nbg1: { hourly: 0.01, monthly: 6 } } },
    };
    const report = costReport(config(), new Sim().world, T, { prices });
    expect(report.pricesAsOf).toBe('2026-04-01');
    expect(report.monthlyProjection).toBe(24);
    expect(report.hourlyNow).toBe(0.04);
  });

  it('falls back to the cycle start when the provision step was trimmed', () => {
    const sim = new Sim();
    sim.apply({ kind: 'pr_opened', pull: pull(1) });
    const env = { ...sim.env(1), steps: [] };
    expect(serverSince(env)).toBe(env.ticket!.enqueuedAt);
  });
});
