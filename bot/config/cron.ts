import { createRequire } from 'node:module';
import type { Cron } from 'croner';

/**
 * Cron expressions in Nomad's dialect: what `periodic { crons = [...] }` accepts. Nomad parses
 * them with github.com/hashicorp/cronexpr (`Parse` in cronexpr.go, the field grammar in
 * cronexpr_parse.go):
 *
 * - 5 fields `min hour dom month dow`, 6 fields `min hour dom month dow year` (the sixth is
 *   the YEAR, not seconds) or 7 fields `sec min hour dom month dow year`;
 * - the whole expression may be `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily` or
 *   `@hourly` (cronexpr has no `@midnight`, `@reboot` or `@every`);
 * - months `1-12` or `jan`…`dec` / `january`…`december`, days of week `0-7` (0 and 7 are
 *   Sunday) or `sun`…`sat` / `sunday`…`saturday`, any case; years 1970–2099;
 * - per entry: `*`, `?`, `v`, `v-v`, `*\/n`, `v/n`, `v-v/n`; in day-of-month also `L`, `LW`,
 *   `vW`; in day-of-week also `vL` (last such weekday) and `v#k` (k-th, 1–5).
 *
 * Two cronexpr quirks are refused rather than followed, since Nomad would run something other
 * than what is written: a day of week `01`-`07` (Sunday there) and a day-of-week range ending
 * on Sunday (`5-7` stops on Saturday there).
 *
 * croner computes the schedule (value ranges, impossible dates, next runs). Its grammar is a
 * superset of cronexpr's (`#L`, `L-2`, years past 2099, steps wider than the field), so the
 * entry grammar below mirrors cronexpr's layouts first: Nomad, not croner, is the authority
 * on what a job may hold.
 */
export interface NomadCron {
  /** The expression as written in prenv.yml. */
  source: string;
  /** The same schedule as a 7-field `sec min hour dom month dow year` pattern for croner. */
  pattern: string;
}

export type NomadCronResult = { ok: true; cron: NomadCron } | { ok: false; message: string };

/** cronexpr's `cronNormalizer`: the whole expression, case-sensitive. */
const PREDEFINED: Readonly<Record<string, string>> = {
  '@yearly': '0 0 0 1 1 * *',
  '@annually': '0 0 0 1 1 * *',
  '@monthly': '0 0 0 1 * * *',
  '@weekly': '0 0 0 * * 0 *',
  '@daily': '0 0 0 * * * *',
  '@hourly': '0 0 * * * * *',
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = `${MONTHS.join('|')}|january|february|march|april|june|july|august|september|october|november|december`;
const DAY_NAMES =
  'sun|mon|tue|wed|thu|fri|sat|sunday|monday|tuesday|wednesday|thursday|friday|saturday';

interface Field {
  name: string;
  /** cronexpr's `valuePattern` for one value of the field. */
  value: string;
  /** Largest step cronexpr accepts (`step > desc.max` is "invalid interval"). */
  maxStep: number;
  /** Extra entry layouts of this field only. */
  extra: RegExp[];
}

const field = (name: string, value: string, maxStep: number, extra: RegExp[] = []): Field => ({
  name,
  value,
  maxStep,
  extra,
});

const SECOND = field('second', '0?[0-9]|[1-5][0-9]', 59);
const MINUTE = field('minute', '0?[0-9]|[1-5][0-9]', 59);
const HOUR = field('hour', '0?[0-9]|1[0-9]|2[0-3]', 23);
const DOM_VALUE = '0?[1-9]|[12][0-9]|3[01]';
const DOM = field('day-of-month', DOM_VALUE, 31, [/^l$/, /^lw$/, new RegExp(`^(${DOM_VALUE})w$`)]);
const MONTH = field('month', `0?[1-9]|1[012]|${MONTH_NAMES}`, 12);
const DOW_VALUE = `0?[0-7]|${DAY_NAMES}`;
const DOW = field('day-of-week', DOW_VALUE, 6, [
  new RegExp(`^(${DOW_VALUE})l$`),
  new RegExp(`^(${DOW_VALUE})#[1-5]$`),
]);
const YEAR = field('year', '19[789][0-9]|20[0-9]{2}', 2099);

const SEVEN_FIELDS = [SECOND, MINUTE, HOUR, DOM, MONTH, DOW, YEAR];

/**
 * cronexpr finds fields with Go's `\S+`, whose spaces are ASCII `[\t\n\f\r ]` only: a
 * no-break space or a vertical tab is part of a field there, not a separator.
 */
const GO_SPACE = /[\t\n\f\r ]+/;
const GO_SPACE_EDGES = /^[\t\n\f\r ]+|[\t\n\f\r ]+$/g;

/** cronexpr reads a step with `numberTokens`: 0-59, 00-09 and 1970-2099, anything else is 0. */
const STEP_TOKEN = /^(0?[0-9]|[1-5][0-9]|19[789][0-9]|20[0-9]{2})$/;

/** Days of week written `01`…`07`: cronexpr's `dowTokens` lacks them, so they read as Sunday. */
const DOW_ZERO_PADDED = /(^|-)0[1-7](?=$|[-#/l])/;

/** A day-of-week range ending on Sunday: cronexpr ends it on Saturday instead. */
const DOW_RANGE_TO_SUNDAY = /^[^-]+-(0?0|0?7|sun|sunday)(\/|$)/;

const FORMS =
  'Nomad accepts "min hour dom month dow" (e.g. "0 3 * * *"), an optional year after it, an optional second before it, or @hourly, @daily, @weekly, @monthly, @yearly';

/** Parses one `jobs.*.cron` value; `message` says what is wrong and what Nomad accepts. */
export function parseNomadCron(source: string): NomadCronResult {
  const text = source.replace(GO_SPACE_EDGES, '');
  if (text.startsWith('@')) {
    const pattern = PREDEFINED[text];
    if (pattern) return { ok: true, cron: { source, pattern } };
    return {
      ok: false,
      message: `${JSON.stringify(text)} is not one of Nomad's predefined schedules: @yearly, @annually, @monthly, @weekly, @daily, @hourly`,
    };
  }
  const odd = /[^\x21-\x7e\t\n\f\r ]/.exec(text);
  if (odd) {
    const code = `U+${odd[0].codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}`;
    return {
      ok: false,
      message: `has the character ${code} at column ${odd.index + 1}; Nomad reads ASCII only, with fields apart by spaces or tabs`,
    };
  }
  const fields = text === '' ? [] : text.split(GO_SPACE);
  if (fields.length < 5 || fields.length > 7) {
    return { ok: false, message: `has ${fields.length} fields; ${FORMS}` };
  }
  const seven =
    fields.length === 5 ? ['0', ...fields, '*'] : fields.length === 6 ? ['0', ...fields] : fields;
  for (let i = 0; i < SEVEN_FIELDS.length; i++) {
    const problem = entryProblem(seven[i] ?? '', SEVEN_FIELDS[i] as Field);
    if (problem) return { ok: false, message: problem };
  }
  const pattern = seven.map((f, i) => toCroner(f.toLowerCase(), i)).join(' ');
  try {
    const cron = croner(pattern);
    // From the start of cronexpr's year range: a schedule that never matches (31 February).
    if (cron.nextRun(new Date(Date.UTC(1970, 0, 1))) === null) {
      return { ok: false, message: `${JSON.stringify(text)} never matches a date` };
    }
  } catch (err) {
    return { ok: false, message: `${JSON.stringify(text)}: ${croneMessage(err)}` };
  }
  return { ok: true, cron: { source, pattern } };
}

/**
 * The next `count` run times strictly after `from`, in UTC (prenv renders periodic jobs with
 * `time_zone = "UTC"`); fewer when the schedule ends (a past year).
 */
export function nextRuns(cron: NomadCron, from: Date, count: number): Date[] {
  return croner(cron.pattern).nextRuns(count, from);
}

/**
 * croner, loaded on first use (its CommonJS build, so parsing stays synchronous inside the
 * schema): most configs have no schedule, and read commands such as `prenv list` start faster
 * without it.
 */
let cronClass: typeof Cron | undefined;

function croner(pattern: string): Cron {
  cronClass ??= (createRequire(import.meta.url)('croner') as { Cron: typeof Cron }).Cron;
  const CronClass: typeof Cron = cronClass;
  // legacyMode: day-of-month and day-of-week are OR-ed when both are restricted, as in
  // cronexpr (and Vixie cron); sloppyRanges: cronexpr accepts `v/n`.
  return new CronClass(pattern, {
    mode: '7-part',
    legacyMode: true,
    sloppyRanges: true,
    timezone: 'UTC',
    paused: true,
  });
}

function entryProblem(text: string, f: Field): string | undefined {
  const value = `(${f.value})`;
  const layouts = [
    /^[*?]$/,
    new RegExp(`^${value}$`),
    new RegExp(`^${value}-${value}$`),
    /^\*\/(\d+)$/,
    new RegExp(`^${value}/(\\d+)$`),
    new RegExp(`^${value}-${value}/(\\d+)$`),
    ...f.extra,
  ];
  for (const entry of text.split(',')) {
    if (entry === '') return `${f.name} field ${JSON.stringify(text)} has an empty entry`;
    const lower = entry.toLowerCase();
    const layout = layouts.find((re) => re.test(lower));
    if (!layout) {
      return `${f.name} field: ${JSON.stringify(entry)} is not a ${f.name} Nomad accepts (${allowedOf(f)})`;
    }
    const step = /\/(\d+)$/.exec(lower)?.[1];
    if (
      step !== undefined &&
      (!STEP_TOKEN.test(step) || Number(step) < 1 || Number(step) > f.maxStep)
    ) {
      const most = Math.min(f.maxStep, 59);
      return `${f.name} field: step "/${step}" must be between 1 and ${most}, without extra leading zeros`;
    }
    if (f === DOW && DOW_ZERO_PADDED.test(lower)) {
      return `day-of-week field: ${JSON.stringify(entry)}: Nomad reads a day written 01-07 as Sunday; write it without the leading zero`;
    }
    if (f === DOW && DOW_RANGE_TO_SUNDAY.test(lower)) {
      return `day-of-week field: ${JSON.stringify(entry)}: Nomad ends a range that ends on Sunday (7, 0 or sun) on Saturday instead; end it on 6 and list Sunday apart, e.g. "5-6,0"`;
    }
  }
  return undefined;
}

function allowedOf(f: Field): string {
  switch (f) {
    case MONTH:
      return '1-12 or jan-dec';
    case DOW:
      return '0-7 or sun-sat, "5L" for the last Friday, "5#2" for the second';
    case DOM:
      return '1-31, "L", "LW" or "15W"';
    case YEAR:
      return '1970-2099';
    case HOUR:
      return '0-23';
    default:
      return '0-59';
  }
}

/**
 * cronexpr's spelling into croner's: `5L` (also `friL`, `fridayL`) becomes `5#L`, full month
 * and day names their first three letters, and `*\/n` the field's range over `n`, because
 * cronexpr counts such steps from the field's minimum (years from 1970) and croner from 0.
 */
function toCroner(entry: string, index: number): string {
  const f = SEVEN_FIELDS[index] as Field;
  return entry
    .split(',')
    .map((e) => {
      const last = f === DOW ? e.replace(/^(.+)l$/, '$1#L') : e;
      const short = last.replace(/[a-z]{4,}/g, (name) => name.slice(0, 3));
      return short.replace(/^\*\//, `${RANGE[f.name]}/`);
    })
    .join(',');
}

/** cronexpr's `min-max` of each field (its field descriptors). */
const RANGE: Readonly<Record<string, string>> = {
  second: '0-59',
  minute: '0-59',
  hour: '0-23',
  'day-of-month': '1-31',
  month: '1-12',
  'day-of-week': '0-6',
  year: '1970-2099',
};

function croneMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/^CronPattern:\s*/, '');
}
