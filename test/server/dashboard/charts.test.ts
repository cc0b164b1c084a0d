import { describe, expect, it } from 'vitest';
import { monthCost, slotBuckets, type SlotSample } from '../../../bot/core/slot-history.js';
import { costChart, slotsChart } from '../../../bot/server/dashboard/charts.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** cx22 in fsn1 with its IPv4, as in the price table (€/hour, €/month). */
const PRICE = { hourly: 0.0067, monthly: 4.15 };
const NOW = Date.UTC(2026, 10, 30, 23, 30);

const descOf = (svg: string) => /<desc id="[^"]+">([^<]*)<\/desc>/.exec(svg)?.[1] ?? '';
const titleOf = (svg: string) => /<title id="[^"]+">([^<]*)<\/title>/.exec(svg)?.[1] ?? '';

describe('slots over the last 7 days', () => {
  it.each<[string, SlotSample[], number, { peaks: (number | null)[]; desc: RegExp }]>([
    [
      'empty history',
      [],
      0,
      {
        peaks: [null, null],
        desc: /^No slot use was recorded from 23 Nov 23:30 UTC to 30 Nov 23:30 UTC; 0 of 15 slots are used now\.$/,
      },
    ],
    [
      'one point, an hour and a half ago',
      [{ at: NOW - 1.5 * HOUR, used: 2, cap: 15 }],
      2,
      {
        peaks: [null, 2, 2],
        desc: /Most slots used .*: 2 of a cap of 15, never reached; 2 used now; recorded since 30 Nov 21:30 UTC only\./,
      },
    ],
    [
      'cap reached for an hour, led by a sample from before the window',
      [
        { at: NOW - 8 * DAY, used: 3, cap: 15 },
        { at: NOW - 3 * HOUR + 60_000, used: 15, cap: 15 },
        { at: NOW - 2 * HOUR + 60_000, used: 4, cap: 15 },
      ],
      4,
      { peaks: [3, 15, 15, 4], desc: /: 15 of a cap of 15, reached in 2 hours; 4 used now\.$/ },
    ],
  ])('%s', (_name, samples, current, expected) => {
    const buckets = slotBuckets(samples, NOW, current);
    expect(buckets).toHaveLength(168);
    expect(buckets[0]!.from).toBe(NOW - 7 * DAY);
    expect(buckets.at(-1)!.to).toBe(NOW);
    expect(buckets.slice(-expected.peaks.length).map((b) => b.peak)).toEqual(expected.peaks);
    const svg = slotsChart(buckets, 15, current).value;
    expect(svg).toMatch(/^<svg[^>]* role="img"/);
    expect(svg).toContain('viewBox="0 0 400 190"');
    expect(svg).toContain('width="100%"');
    expect(svg).toContain('aria-labelledby="slots-chart-title slots-chart-desc"');
    expect(titleOf(svg)).toBe('Slots used over the last 7 days');
    expect(descOf(svg)).toMatch(expected.desc);
    // Axis labels: the cap, the slot counts and one weekday a day.
    expect(svg).toContain('>cap 15<');
    expect(svg.match(/>\s*(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d+\s*</g)).toHaveLength(7);
    expect(svg).toMatch(/>\s*0\s*</);
    // Gaps before the first sample are not drawn as zero.
    const area = /<path\s+d="([^"]*)"/.exec(svg)![1]!;
    if (samples.length === 0) expect(area).toBe('');
    else expect(area).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+Z$/);
  });
});

describe('cost this month against the cap worst case', () => {
  it.each([
    {
      name: 'month start: nothing spent yet',
      now: Date.UTC(2026, 10, 1),
      samples: [] as SlotSample[],
      current: 0,
      spent: 0,
      worstSoFar: 0,
      desc: /^Preview servers cost €0\.00 so far in Nov 2026 \(slot-hours at €0\.0067 an hour, nothing recorded yet\), against €0\.00 if all 3 slots had been used since the month began, and at most €12\.45 for the whole month\.$/,
    },
    {
      name: 'one env for ten hours',
      now: Date.UTC(2026, 10, 1, 10),
      samples: [{ at: Date.UTC(2026, 10, 1), used: 1, cap: 3 }],
      current: 1,
      spent: 0.067,
      worstSoFar: 0.201,
      desc: /cost €0\.07 so far .* against €0\.20 if all 3 slots/,
    },
    {
      name: 'all slots held since before the month: capped at the monthly price',
      now: Date.UTC(2026, 10, 30, 12),
      samples: [{ at: Date.UTC(2026, 9, 20), used: 3, cap: 3 }],
      current: 3,
      // 3 × 708 slot-hours at the hourly price would be €14.23: the monthly price caps it.
      spent: 12.45,
      worstSoFar: 12.45,
      desc: /against €12\.45 if all 3 slots .* at most €12\.45 for the whole month\.$/,
    },
    {
      name: 'recorded since mid-month',
      now: Date.UTC(2026, 10, 20),
      samples: [
        { at: Date.UTC(2026, 10, 15), used: 2, cap: 3 },
        { at: Date.UTC(2026, 10, 16), used: 0, cap: 3 },
      ],
      current: 0,
      spent: 2 * 24 * 0.0067,
      worstSoFar: 3 * 0.0067 * 19 * 24,
      desc: /recorded since 15 Nov 00:00 UTC/,
    },
  ])('$name', ({ now, samples, current, spent, worstSoFar, desc }) => {
    const month = monthCost(samples, now, current, 3, PRICE);
    expect(month.spent).toBeCloseTo(spent, 3);
    expect(month.worstSoFar).toBeCloseTo(worstSoFar, 3);
    expect(month.worstMonth).toBe(12.45);
    expect(month.spentBy.at(-1)?.eur ?? 0).toBeCloseTo(spent, 3);
    const svg = costChart(month).value;
    expect(svg).toMatch(/^<svg[^>]* role="img"/);
    expect(titleOf(svg)).toBe(
      'Cost of preview servers in Nov 2026 against the cap&#39;s worst case',
    );
    expect(descOf(svg)).toMatch(desc);
    expect(svg).toContain('>worst case €12.45<');
    expect(svg).toMatch(/>\s*1 Nov\s*</);
    expect(svg).toMatch(/>\s*€12\.45\s*</);
  });

  it('escapes what it writes into the SVG', () => {
    const svg = costChart(monthCost([], NOW, 0, 1, PRICE)).value;
    expect(svg).not.toMatch(/<(?!\/?(svg|title|desc|g|line|text|path)\b)/);
  });
});
