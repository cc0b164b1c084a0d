import { formatDuration, formatTime } from '../../core/format.js';
import { costChart, slotsChart } from './charts.js';
import { html, safeHref, SafeHtml, type HtmlValue } from './html.js';
import type { RunLine, RunRecord } from './run-log.js';
import type { DashboardView, EnvRow } from './view.js';
import { runPath } from './paths.js';

/** Phone-width first: tables scroll sideways inside their own box, nothing from a CDN. */
const STYLE = `
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,sans-serif;color:#1b1f24;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:baseline}
header a{color:#fff}main{padding:1rem;max-width:70rem;margin:auto}
h1{font-size:1.1rem;margin:0}h2{font-size:1rem;margin:1.5rem 0 .5rem}
.scroll{overflow-x:auto;background:#fff;border:1px solid #d0d7de;border-radius:6px}
table{border-collapse:collapse;width:100%;min-width:36rem}th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #eaeef2;white-space:nowrap}
th{font-weight:600;background:#f6f8fa}.state-live,.outcome-succeeded{color:#1a7f37}.state-failed,.outcome-failed{color:#cf222e}
pre{background:#0d1117;color:#e6edf3;padding:.75rem;border-radius:6px;overflow-x:auto;white-space:pre-wrap;word-break:break-word;min-height:4rem}
.muted{color:#57606a}.button{display:inline-block;background:#1f883d;color:#fff;padding:.6rem 1rem;border-radius:6px;text-decoration:none}
code{font-size:.9em}.charts{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr))}
figure{margin:0;background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:.5rem}figcaption{font-weight:600;margin-bottom:.25rem}
.chart{display:block;height:auto}
`;

export function page(title: string, body: SafeHtml, user?: string | null): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>${title}</title>
        <style>
          ${new SafeHtml(STYLE)}
        </style>
      </head>
      <body>
        <header>
          <h1><a href="/">${title}</a></h1>
          ${user ? html`<span>signed in as ${user} · <a href="/auth/logout">sign out</a></span>` : ''}
        </header>
        <main>${body}</main>
      </body>
    </html>`.value;
}

/** A table cell: its content, or its content with a class (`state-live`, `outcome-failed`). */
type Cell = HtmlValue | { content: HtmlValue; class: string };

/**
 * The dashboard's one table shape: named for screen readers, column heads, and rows of cells
 * inside a box that scrolls sideways on a narrow screen. With `rowHeads`, each row's first
 * cell heads its row.
 */
function table(
  label: string,
  heads: readonly string[],
  rows: readonly Cell[][],
  rowHeads = false,
): SafeHtml {
  const cell = (c: Cell, i: number) => {
    const [content, cls] =
      c !== null && typeof c === 'object' && 'class' in c ? [c.content, c.class] : [c, null];
    const tag = rowHeads && i === 0 ? new SafeHtml('th scope="row"') : new SafeHtml('td');
    const end = rowHeads && i === 0 ? new SafeHtml('th') : new SafeHtml('td');
    return cls
      ? html`<${tag} class="${cls}">${content}</${end}>`
      : html`<${tag}>${content}</${end}>`;
  };
  return html`<div class="scroll">
    <table aria-label="${label}">
      <thead>
        <tr>
          ${heads.map((h) => html`<th scope="col">${h}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) =>
            html`<tr>
              ${r.map(cell)}
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function ago(ms: number | null): string {
  return ms === null ? '—' : formatDuration(ms);
}

function eur(amount: number | null): string {
  return amount === null ? '—' : `€${amount.toFixed(4)}`;
}

function envRow(row: EnvRow, now: number): Cell[] {
  const last = row.lastRun
    ? html`<a href="${row.runsPath}">${row.lastRun.step}</a>
        <span class="outcome-${row.lastRun.outcome}">${row.lastRun.outcome}</span>
        <span class="muted">${ago(now - row.lastRun.at)} ago</span>`
    : '—';
  const url = html`<a href="${safeHref(row.url)}">${row.url}</a>${
      row.bypassToken
        ? html`<details>
            <summary>bypass token</summary>
            <code aria-label="bypass token of ${row.name}">${row.bypassToken}</code>
          </details>`
        : ''
    }`;
  return [
    row.name,
    { content: row.state ?? 'managed by the CLI', class: `state-${row.state ?? 'cli'}` },
    url,
    html`<code>${row.commit ?? '—'}</code>`,
    ago(row.ageMs),
    row.serverType,
    eur(row.eurPerHour),
    last,
  ];
}

export function dashboardPage(view: DashboardView, user: string): string {
  const envs = table(
    'Environments',
    ['Environment', 'State', 'URL', 'Commit', 'Age', 'Server type', '€/hour', 'Last run'],
    view.envs.map((r) => envRow(r, view.now)),
    true,
  );
  const queue =
    view.queue.length === 0
      ? html`<p class="muted">Nobody is waiting.</p>`
      : html`<ol aria-label="Queue">
          ${view.queue.map(
            (q) =>
              html`<li value="${q.position}">
                PR #${q.pr} ${q.title}
                <span class="muted"
                  >(position ${q.position}, waiting ${formatDuration(q.waitingMs)})</span
                >
              </li>`,
          )}
        </ol>`;
  const runs =
    view.runs.length === 0
      ? html`<p class="muted">No run is kept.</p>`
      : table(
          'Runs',
          ['Run', 'Environment', 'Kind', 'Started', 'Duration', 'Outcome'],
          view.runs.map((r) => [
            html`<a href="${runPath(r.runId)}">${r.runId}</a>`,
            r.environment,
            r.kind,
            formatTime(r.startedAt),
            formatDuration((r.endedAt ?? view.now) - r.startedAt),
            { content: r.outcome, class: `outcome-${r.outcome}` },
          ]),
        );
  return page(
    `prenv · ${view.repository}`,
    html`<h2>Environments</h2>
      ${envs}
      <h2>Slots</h2>
      <p>
        <meter min="0" max="${view.slots.cap}" value="${view.slots.used}" aria-label="Slots used">
          ${view.slots.used}
        </meter>
        ${view.slots.used} of ${view.slots.cap} slots used
      </p>
      <div class="charts">
        <figure>
          <figcaption>Slots used, last 7 days</figcaption>
          ${slotsChart(view.slotHistory, view.slots.cap, view.slots.used)}
        </figure>
        <figure>
          <figcaption>Cost this month</figcaption>
          ${
            view.month
              ? costChart(view.month)
              : html`<p class="muted">No price for the preview server type: no cost to draw.</p>`
          }
        </figure>
      </div>
      <h2>Queue</h2>
      ${queue}
      <h2>Runs</h2>
      ${runs}`,
    user,
  );
}

function lineText(line: RunLine, startedAt: number): string {
  return `+${formatDuration(line.at - startedAt).padStart(7)}  ${line.text}\n`;
}

/** A run's page: its steps with their timings, then the output, streamed from `/runs/<id>/events`. */
export function runPage(run: RunRecord, user: string, now: number): string {
  // A step lasts until the next one starts; notes are output under a step, not steps.
  const starts = run.lines.filter((l) => !l.note);
  const steps = starts.map((line, i) => {
    const next = starts[i + 1]?.at ?? run.endedAt ?? now;
    return [line.text, formatTime(line.at), formatDuration(next - line.at)];
  });
  return page(
    `prenv · run ${run.runId}`,
    html`<p><a href="/">← all environments</a></p>
      <h2>
        Run ${run.runId}: ${run.kind} of
        ${run.pr === null ? run.environment : `PR #${run.pr}`}${run.sha ? html` at <code>${run.sha.slice(0, 7)}</code>` : ''}
      </h2>
      <p>
        Started ${formatTime(run.startedAt)} ·
        <span id="outcome" role="status" class="outcome-${run.outcome}">${run.outcome}</span>
        ${run.error ? html` · <span class="outcome-failed">${run.error}</span>` : ''}
      </p>
      <h2>Steps</h2>
      ${table('Steps', ['Step', 'Started', 'Took'], steps)}
      <h2>Output</h2>
      ${run.dropped > 0 ? html`<p class="muted">${run.dropped} earlier lines are no longer kept.</p>` : ''}
      <pre
        id="output"
        aria-label="Run output"
        aria-live="polite"
        data-run="${run.runId}"
        data-started="${run.startedAt}"
        data-seen="${run.dropped + run.lines.length}"
        ${run.endedAt === null ? html` data-live="1"` : ''}
      >
${run.lines.map((l) => lineText(l, run.startedAt))}</pre>
      <script src="/dashboard.js"></script>`,
    user,
  );
}

/**
 * The dashboard's only script, served as `/dashboard.js` (the pages' CSP allows scripts from the
 * bot only): appends the run's streamed lines to the output and shows the outcome. It reads the
 * run from the output element's data attributes.
 */
export const LIVE_SCRIPT = `(function(){var out=document.getElementById('output'),st=document.getElementById('outcome');
if(!out||!out.dataset.live)return;var started=Number(out.dataset.started),seen=Number(out.dataset.seen);
var src=new EventSource('/runs/'+encodeURIComponent(out.dataset.run)+'/events');
function dur(ms){var s=Math.max(0,Math.round(ms/1000));return s<60?s+'s':Math.floor(s/60)+'m '+String(s%60).padStart(2,'0')+'s';}
src.addEventListener('line',function(e){var l=JSON.parse(e.data);if(l.seq<=seen)return;seen=l.seq;out.textContent+='+'+dur(l.at-started).padStart(7)+'  '+l.text+'\\n';});
src.addEventListener('end',function(e){var r=JSON.parse(e.data);st.textContent=r.outcome;st.className='outcome-'+r.outcome;src.close();});})();
`;

export function signInPage(
  reason: 'signed_out' | 'no_access' | 'not_configured',
  login?: string,
): string {
  const text = {
    signed_out: html`<p>Sign in with GitHub to see this repository's environments.</p>
      <p><a class="button" href="/auth/login">Sign in with GitHub</a></p>`,
    no_access: html`<p>${login ?? 'This account'} has no read access to the repository.</p>
      <p>
        <a class="button" href="/auth/login">Sign in with another account</a>
        <a href="/auth/logout">Sign out</a>
      </p>`,
    not_configured: html`<p>
      Sign-in is not set up on this bot: set PRENV_GITHUB_CLIENT_ID and PRENV_GITHUB_CLIENT_SECRET
      (the GitHub App's OAuth client) and PRENV_PUBLIC_URL.
    </p>`,
  }[reason];
  return page(
    'prenv · sign in',
    html`<h2>Sign in</h2>
      ${text}`,
  );
}
