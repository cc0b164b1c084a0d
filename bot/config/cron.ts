import { Cron } from 'croner';

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

const FORMS =
  'Nomad accepts "min hour dom month dow" (e.g. "0 3 * * *"), an optional year after it, an optional second before it, or @hourly, @daily, @weekly, @monthly, @yearly';

/** Parses one `jobs.*.cron` value; `message` says what is wrong and what Nomad accepts. */
export function parseNomadCron(source: string): NomadCronResult {
  const text = source.trim();
  if (text.startsWith('@')) {
    const pattern = PREDEFINED[text];
    if (pattern) return { ok: true, cron: { source, pattern } };
    return {
      ok: false,
      message: `${JSON.stringify(text)} is not one of Nomad's predefined schedules: @yearly, @annually, @monthly, @weekly, @daily, @hourly`,
    };
  }
  const fields = text === '' ? [] : text.split(/\s+/);
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

function croner(pattern: string): Cron {
  // legacyMode: day-of-month and day-of-week are OR-ed when both are restricted, as in
  // cronexpr (and Vixie cron); sloppyRanges: cronexpr accepts `v/n`.
  return new Cron(pattern, {
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
    if (step !== undefined && (Number(step) < 1 || Number(step) > f.maxStep)) {
      return `${f.name} field: step "/${step}" must be between 1 and ${f.maxStep}`;
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

/** Full month and day names and cronexpr's `5L` into croner's spelling. */
function toCroner(entry: string, index: number): string {
  const short = entry.replace(/[a-z]{4,}/g, (name) => name.slice(0, 3));
  if (SEVEN_FIELDS[index] !== DOW) return short;
  return short
    .split(',')
    .map((e) => e.replace(/^(.+)l$/, '$1#L'))
    .join(',');
}

function croneMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/^CronPattern:\s*/, '');
}
