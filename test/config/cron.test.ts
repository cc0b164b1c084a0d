import { describe, expect, it } from 'vitest';
import { nextRuns, parseNomadCron } from '../../bot/config/cron.js';
import { formatProblem, parseConfig } from '../../bot/config/load.js';

// Sunday 22 November 2026, noon UTC.
const from = new Date('2026-11-22T12:00:00Z');

// Each expression and its first two runs after `from`, as Nomad (hashicorp/cronexpr) reads it.
const valid: [string, string, string][] = [
  ['0 3 * * *', '2026-11-23T03:00:00.000Z', '2026-11-24T03:00:00.000Z'],
  ['@daily', '2026-11-23T00:00:00.000Z', '2026-11-24T00:00:00.000Z'],
  ['@hourly', '2026-11-22T13:00:00.000Z', '2026-11-22T14:00:00.000Z'],
  ['@weekly', '2026-11-29T00:00:00.000Z', '2026-12-06T00:00:00.000Z'],
  ['@monthly', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
  ['@yearly', '2027-01-01T00:00:00.000Z', '2028-01-01T00:00:00.000Z'],
  ['@annually', '2027-01-01T00:00:00.000Z', '2028-01-01T00:00:00.000Z'],
  // Six fields: the sixth is the year (cronexpr prepends a zero second).
  ['0 3 * * * 2030', '2030-01-01T03:00:00.000Z', '2030-01-02T03:00:00.000Z'],
  // Seven fields: second first, year last.
  ['30 0 3 * * * *', '2026-11-23T03:00:30.000Z', '2026-11-24T03:00:30.000Z'],
  ['*/15 * * * *', '2026-11-22T12:15:00.000Z', '2026-11-22T12:30:00.000Z'],
  ['5/20 * * * *', '2026-11-22T12:05:00.000Z', '2026-11-22T12:25:00.000Z'],
  ['0 9-17/4 * * *', '2026-11-22T13:00:00.000Z', '2026-11-22T17:00:00.000Z'],
  ['30 6 * * mon-fri', '2026-11-23T06:30:00.000Z', '2026-11-24T06:30:00.000Z'],
  ['30 6 * * MON-FRI', '2026-11-23T06:30:00.000Z', '2026-11-24T06:30:00.000Z'],
  ['0 3 1 january,june *', '2027-01-01T03:00:00.000Z', '2027-06-01T03:00:00.000Z'],
  ['0 3 * * saturday', '2026-11-28T03:00:00.000Z', '2026-12-05T03:00:00.000Z'],
  ['0 3 * * 7', '2026-11-29T03:00:00.000Z', '2026-12-06T03:00:00.000Z'],
  ['0 3 ? * ?', '2026-11-23T03:00:00.000Z', '2026-11-24T03:00:00.000Z'],
  ['0 3 L * *', '2026-11-30T03:00:00.000Z', '2026-12-31T03:00:00.000Z'],
  ['0 3 LW * *', '2026-11-30T03:00:00.000Z', '2026-12-31T03:00:00.000Z'],
  ['0 3 15W * *', '2026-12-15T03:00:00.000Z', '2027-01-15T03:00:00.000Z'],
  ['0 3 * * 5L', '2026-11-27T03:00:00.000Z', '2026-12-25T03:00:00.000Z'],
  ['0 3 * * 5#3', '2026-12-18T03:00:00.000Z', '2027-01-15T03:00:00.000Z'],
  // Day of month and day of week both restricted: either matches (cronexpr, Vixie cron).
  ['0 3 1 * mon', '2026-11-23T03:00:00.000Z', '2026-11-30T03:00:00.000Z'],
  ['  0 3 * * *  ', '2026-11-23T03:00:00.000Z', '2026-11-24T03:00:00.000Z'],
  ['\t0 3 * * *\n', '2026-11-23T03:00:00.000Z', '2026-11-24T03:00:00.000Z'],
  // `vL` with a day's name: the last such weekday, as with a number.
  ['0 3 * * friL', '2026-11-27T03:00:00.000Z', '2026-12-25T03:00:00.000Z'],
  ['0 3 * * FridayL', '2026-11-27T03:00:00.000Z', '2026-12-25T03:00:00.000Z'],
  // cronexpr counts `*\/n` from the field's minimum: years 1970, 1977, … 2026, 2033.
  ['0 3 1 1 * */7', '2033-01-01T03:00:00.000Z', '2040-01-01T03:00:00.000Z'],
  // A step is read as a number (`05` is 5), unlike a day of week.
  ['0 3 * * */05', '2026-11-27T03:00:00.000Z', '2026-11-29T03:00:00.000Z'],
];

// Each expression Nomad refuses (or that can never run), and a part of the message.
const invalid: [string, string][] = [
  ['banana apple pear plum kiwi', 'minute field: "banana"'],
  ['99 99 99 99 99', 'minute field: "99"'],
  ['0 24 * * *', 'hour field: "24"'],
  ['0 3 32 * *', 'day-of-month field: "32"'],
  ['0 3 * 13 *', 'month field: "13"'],
  ['0 3 * * 8', 'day-of-week field: "8"'],
  ['0 3 * * funday', 'day-of-week field: "funday"'],
  ['0 3 * * * 2199', 'year field: "2199" is not a year Nomad accepts (1970-2099)'],
  ['0 3 * * * 1969', 'year field: "1969"'],
  ['0 3 * *', 'has 4 fields'],
  ['', 'has 0 fields'],
  ['* * * * * * * *', 'has 8 fields'],
  ['@midnight', '"@midnight" is not one of Nomad\'s predefined schedules'],
  ['@reboot', 'not one of Nomad'],
  ['@every 5m', 'not one of Nomad'],
  ['@Daily', 'not one of Nomad'],
  ['*/60 * * * *', 'step "/60" must be between 1 and 59'],
  ['*/0 * * * *', 'step "/0"'],
  ['0 */24 * * *', 'step "/24" must be between 1 and 23'],
  ['0 3 * * 5#L', 'day-of-week field: "5#L"'],
  ['0 3 * * 5#6', 'day-of-week field: "5#6"'],
  ['0 3 L-2 * *', 'day-of-month field: "L-2"'],
  ['0 3 1-5W * *', 'day-of-month field: "1-5W"'],
  ['0,,3 * * * *', 'has an empty entry'],
  ['30-10 * * * *', 'larger than'],
  ['0 0 31 2 *', 'never matches a date'],
  ['0 3 * * * ; rm -rf /', 'has 9 fields'],
  // cronexpr reads a step through its number tokens: `005` and `100` are not among them.
  ['*/005 * * * *', 'step "/005" must be between 1 and 59'],
  ['0 3 * * * */100', 'step "/100"'],
  // cronexpr's day-of-week tokens have no `01`-`07` (they read as Sunday), and a range that
  // ends on Sunday ends on Saturday there (`5-7` is Friday and Saturday, `0-0` every day).
  ['0 3 * * 05', 'Nomad reads a day written 01-07 as Sunday'],
  ['0 3 * * 01-05', 'Nomad reads a day written 01-07 as Sunday'],
  ['0 3 * * 05L', 'Nomad reads a day written 01-07 as Sunday'],
  ['0 3 * * 5-7', 'ends on Sunday'],
  ['0 3 * * sat-sun', 'ends on Sunday'],
  ['0 3 * * 0-0', 'ends on Sunday'],
  ['0 3 * * 1-7/2', 'ends on Sunday'],
  // Go's `\S+` splits fields at ASCII spaces only.
  ['0 3 * *\u00a0*', 'U+00A0 at column 8'],
  ['\u00a00 3 * * *', 'U+00A0 at column 1'],
  ['0\v3 * * *', 'U+000B'],
];

describe('parseNomadCron', () => {
  it.each(valid)('accepts %j and runs it at %s, then %s', (expr, first, second) => {
    const parsed = parseNomadCron(expr);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(nextRuns(parsed.cron, from, 2).map((d) => d.toISOString())).toEqual([first, second]);
  });

  it.each(invalid)('refuses %j: %s', (expr, message) => {
    const parsed = parseNomadCron(expr);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.message).toContain(message);
  });

  it('gives no next run once a schedule with a year is over', () => {
    const parsed = parseNomadCron('0 3 * * * 1999');
    if (!parsed.ok) throw new Error(parsed.message);
    expect(nextRuns(parsed.cron, from, 3)).toEqual([]);
  });
});

describe('jobs.*.cron in prenv.yml', () => {
  const config = (cron: string) => `project: shop
github: { owner: acme, repo: shop }
domain: shop.example.com
services:
  web: { image: "acme/web:1", port: 8080, route: { path: / } }
jobs:
  backup:
    image: "acme/backup:1"
    command: backup
    cron: ${JSON.stringify(cron)}
`;

  it.each(invalid)('names the key and its line for %j', (expr, message) => {
    const result = parseConfig(config(expr), 'prenv.yml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lines = result.problems.map(formatProblem);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^prenv\.yml:10:11: jobs\.backup\.cron: /);
    expect(lines[0]).toContain(message);
  });

  it.each(valid.map(([expr]) => expr))('accepts %j', (expr) => {
    expect(parseConfig(config(expr), 'prenv.yml').ok).toBe(true);
  });
});
