import type { MonthCost, SlotBucket } from '../../core/slot-history.js';
import { html, type SafeHtml } from './html.js';

/**
 * The dashboard's two pictures as inline SVG, drawn here (no chart library: two step charts
 * need a few paths, and the page loads nothing else). Each is an `img` whose `<title>` and
 * `<desc>` give its numbers in words; the viewBox scales to the page's width (a phone's too).
 */

const W = 400;
const H = 190;
const LEFT = 44;
const RIGHT = 10;
const TOP = 10;
const BOTTOM = 26;
const PLOT_W = W - LEFT - RIGHT;
const PLOT_H = H - TOP - BOTTOM;
const DAY = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** A coordinate with at most one decimal, so paths stay short. */
const n = (v: number) => String(Math.round(v * 10) / 10);

function scale(from: number, to: number, max: number) {
  return {
    x: (t: number) => LEFT + ((t - from) / (to - from)) * PLOT_W,
    y: (v: number) => TOP + PLOT_H - (max === 0 ? 0 : (v / max) * PLOT_H),
  };
}

function dayMonth(at: number): string {
  const d = new Date(at);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

function hourText(at: number): string {
  return `${dayMonth(at)} ${new Date(at).toISOString().slice(11, 16)} UTC`;
}

/** Euros with cents; from €100 on, whole euros (axis labels stay narrow). */
export function euros(amount: number): string {
  return amount >= 100 ? `€${Math.round(amount)}` : `€${amount.toFixed(2)}`;
}

function frame(
  id: string,
  title: string,
  desc: string,
  body: SafeHtml,
  yTicks: { v: number; label: string }[],
  y: (v: number) => number,
): SafeHtml {
  return html`<svg
    class="chart"
    viewBox="0 0 ${W} ${H}"
    width="100%"
    role="img"
    aria-labelledby="${id}-title ${id}-desc"
    xmlns="http://www.w3.org/2000/svg"
  >
    <title id="${id}-title">${title}</title>
    <desc id="${id}-desc">${desc}</desc>
    <g font-size="10" fill="#57606a">
      ${yTicks.map(
        (t) =>
          html`<line
              x1="${LEFT}"
              x2="${W - RIGHT}"
              y1="${n(y(t.v))}"
              y2="${n(y(t.v))}"
              stroke="#eaeef2"
            /><text x="${LEFT - 4}" y="${n(y(t.v) + 3)}" text-anchor="end"> ${t.label} </text>`,
      )}
    </g>
    ${body}
  </svg>`;
}

function xTicks(ticks: { at: number; label: string }[], x: (t: number) => number): SafeHtml {
  // A label at an edge of the plot is anchored inside it, so none is cut off.
  const anchor = (at: number) =>
    x(at) > W - RIGHT - 16 ? 'end' : x(at) < LEFT + 16 ? 'start' : 'middle';
  return html`<g font-size="10" fill="#57606a">
    ${ticks.map(
      (t) =>
        html`<line
            x1="${n(x(t.at))}"
            x2="${n(x(t.at))}"
            y1="${TOP + PLOT_H}"
            y2="${TOP + PLOT_H + 3}"
            stroke="#8c959f"
          /><text x="${n(x(t.at))}" y="${H - 8}" text-anchor="${anchor(t.at)}"> ${t.label} </text>`,
    )}
  </g>`;
}

/** The step outline of the known buckets as closed areas, one per run without a gap. */
function stepAreas(
  buckets: readonly SlotBucket[],
  x: (t: number) => number,
  y: (v: number) => number,
): string {
  const parts: string[] = [];
  let open: string[] | null = null;
  let lastTo = 0;
  const close = () => {
    if (open) parts.push(`${open.join('')}L${n(x(lastTo))},${n(y(0))}Z`);
    open = null;
  };
  for (const b of buckets) {
    if (b.peak === null) {
      close();
      continue;
    }
    open ??= [`M${n(x(b.from))},${n(y(0))}`];
    open.push(`L${n(x(b.from))},${n(y(b.peak))}L${n(x(b.to))},${n(y(b.peak))}`);
    lastTo = b.to;
  }
  close();
  return parts.join('');
}

/**
 * Slots used over the buckets (peak per bucket, oldest first) against `cap`; `current` is the
 * slots used now. Days are marked at midnight UTC.
 */
export function slotsChart(buckets: readonly SlotBucket[], cap: number, current: number): SafeHtml {
  const from = buckets[0]?.from ?? 0;
  const to = buckets.at(-1)?.to ?? 1;
  const known = buckets.filter((b) => b.peak !== null);
  const peak = Math.max(0, ...known.map((b) => b.peak!));
  const max = Math.max(cap, peak, 1);
  const { x, y } = scale(from, to, max);
  const atCap = known.filter((b) => b.peak! >= cap).length;
  const hours = (count: number) => `${count} ${count === 1 ? 'hour' : 'hours'}`;
  const desc =
    known.length === 0
      ? `No slot use was recorded from ${hourText(from)} to ${hourText(to)}; ${current} of ${cap} slots are used now.`
      : `Most slots used in an hour from ${hourText(from)} to ${hourText(to)}: ${peak} of a cap of ${cap}` +
        (atCap > 0 ? `, reached in ${hours(atCap)}` : ', never reached') +
        `; ${current} used now` +
        (known.length < buckets.length
          ? `; recorded since ${hourText(known[0]!.from)} only.`
          : '.');
  const days: { at: number; label: string }[] = [];
  for (let at = Math.ceil(from / DAY) * DAY; at <= to; at += DAY)
    days.push({ at, label: `${WEEKDAYS[new Date(at).getUTCDay()]} ${new Date(at).getUTCDate()}` });
  const step = max <= 5 ? 1 : Math.ceil(max / 4);
  const yTicks = [];
  for (let v = 0; v <= max; v += step) yTicks.push({ v, label: String(v) });
  return frame(
    'slots-chart',
    'Slots used over the last 7 days',
    desc,
    html`<path
        d="${stepAreas(buckets, x, y)}"
        fill="#54aeff"
        fill-opacity="0.45"
        stroke="#0969da"
        stroke-width="1"
      />
      <line
        x1="${LEFT}"
        x2="${W - RIGHT}"
        y1="${n(y(cap))}"
        y2="${n(y(cap))}"
        stroke="#cf222e"
        stroke-dasharray="4 3"
      />
      <text
        x="${W - RIGHT - 2}"
        y="${n(y(cap) + 11)}"
        font-size="10"
        fill="#cf222e"
        text-anchor="end"
        >cap ${cap}</text
      >
      ${xTicks(days, x)}`,
    yTicks,
    y,
  );
}

/** This month's cost so far against the cap's worst case (so far, and for the whole month). */
export function costChart(month: MonthCost): SafeHtml {
  const { monthStart, monthEnd, now } = month;
  const max = Math.max(month.worstMonth, month.spent, 0.01);
  const { x, y } = scale(monthStart, monthEnd, max);
  const d = new Date(monthStart);
  const name = `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  // Worst case: all slots held from the month's start, hourly until the monthly price caps it.
  const capAt = monthStart + (month.price.monthly / month.price.hourly) * 3_600_000;
  const worst =
    capAt < monthEnd
      ? `M${n(x(monthStart))},${n(y(0))}L${n(x(capAt))},${n(y(month.worstMonth))}L${n(x(monthEnd))},${n(y(month.worstMonth))}`
      : `M${n(x(monthStart))},${n(y(0))}L${n(x(monthEnd))},${n(y(month.worstMonth))}`;
  const spent =
    month.spentBy.length > 1
      ? `M${n(x(monthStart))},${n(y(0))}` +
        month.spentBy.map((p) => `L${n(x(p.at))},${n(y(p.eur))}`).join('') +
        `L${n(x(now))},${n(y(0))}Z`
      : '';
  // Just above what was spent, below the worst case's label, above the axis.
  const nowLabelY = Math.min(Math.max(y(month.spent) - 4, TOP + 24), TOP + PLOT_H - 4);
  const desc =
    `Preview servers cost ${euros(month.spent)} so far in ${name} ` +
    `(${month.cap === 0 ? 'no slots' : `slot-hours at €${month.price.hourly.toFixed(4)} an hour`}` +
    (month.recordedSince === null
      ? ', nothing recorded yet'
      : month.recordedSince > monthStart
        ? `, recorded since ${hourText(month.recordedSince)}`
        : '') +
    `), against ${euros(month.worstSoFar)} if all ${month.cap} slots had been used since the month began, ` +
    `and at most ${euros(month.worstMonth)} for the whole month.`;
  const days: { at: number; label: string }[] = [];
  for (let day = 0; monthStart + day * DAY < monthEnd; day += 7)
    days.push({
      at: monthStart + day * DAY,
      label: day === 0 ? `1 ${MONTHS[d.getUTCMonth()]}` : String(day + 1),
    });
  return frame(
    'cost-chart',
    `Cost of preview servers in ${name} against the cap's worst case`,
    desc,
    html`<path d="${worst}" fill="none" stroke="#cf222e" stroke-dasharray="4 3" />
      <text
        x="${W - RIGHT - 2}"
        y="${n(y(month.worstMonth) + 11)}"
        font-size="10"
        fill="#cf222e"
        text-anchor="end"
        >worst case ${euros(month.worstMonth)}</text
      >
      ${spent ? html`<path d="${spent}" fill="#4ac26b" fill-opacity="0.45" stroke="#1a7f37" stroke-width="1" />` : ''}
      <line
        x1="${n(x(now))}"
        x2="${n(x(now))}"
        y1="${TOP}"
        y2="${TOP + PLOT_H}"
        stroke="#57606a"
        stroke-dasharray="2 2"
      />
      <text
        x="${n(Math.min(x(now) + 3, W - RIGHT - 60))}"
        y="${n(nowLabelY)}"
        font-size="10"
        fill="#1b1f24"
        >now ${euros(month.spent)}</text
      >
      ${xTicks(days, x)}`,
    [
      { v: 0, label: '€0' },
      { v: max / 2, label: euros(max / 2) },
      { v: max, label: euros(max) },
    ],
    y,
  );
}
