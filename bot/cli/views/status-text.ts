import { formatTime } from '../../core/format.js';
import type { EnvStatus, FixedStatus, PrStatus } from './status-view.js';
import { renderDeadLetters } from './dead-letters.js';
import { renderTable } from './table.js';
import { euros, formatAge, NONE, terminalSafe } from './view-support.js';

const short = (sha: string | null) => (sha === null ? NONE : sha.slice(0, 7));
const time = (isoText: string) => formatTime(Date.parse(isoText));

/** `prenv status <env>`: one env in detail. */
export function renderStatus(status: EnvStatus): string {
  const lines = status.kind === 'pr' ? prLines(status) : fixedLines(status);
  return lines.join('\n') + '\n';
}

function fields(rows: Array<[string, string]>): string[] {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => {
    const [first, ...rest] = v.split('\n');
    return [`  ${k.padEnd(width)}  ${first}`, ...rest.map((l) => `  ${' '.repeat(width)}  ${l}`)]
      .join('\n')
      .trimEnd();
  });
}

function fixedLines(s: FixedStatus): string[] {
  const state = !s.known ? 'unknown' : s.deployedSha === null ? 'not deployed' : 'deployed';
  const rows: Array<[string, string]> = [['URL', s.url]];
  if (!s.known) rows.push(['Deployment', 'could not be read']);
  rows.push(['Commit', short(s.deployedSha)]);
  if (s.deployedAt)
    rows.push(['Deployed', `${time(s.deployedAt)} (${formatAge(s.ageMs ?? 0)} ago)`]);
  rows.push(['Servers', `${s.servers.join(', ')} (${s.serverType})`]);
  rows.push(['Cost', `${euros(s.hourly, 4)} per hour, ${euros(s.monthly)} per month`]);
  return [`${s.env}: ${state}`, ...fields(rows)];
}

/**
 * `#7 "Add login" by alice (feature/login)`, without the parts the state does not know: a PR
 * deployed with `prenv deploy pr N` and no GitHub credentials has no title, author or branch.
 */
function pullLine(pr: number, p: PrStatus['pull']): string {
  const title = p.title ? ` ${JSON.stringify(terminalSafe(p.title))}` : '';
  const author = p.author ? ` by ${terminalSafe(p.author)}` : '';
  const branch = p.branch ? ` (${terminalSafe(p.branch)})` : '';
  return `#${pr}${title}${author}${branch}`;
}

function prLines(s: PrStatus): string[] {
  const p = s.pull;
  const pullState = p.merged
    ? 'merged'
    : p.state === 'closed'
      ? 'closed'
      : p.draft
        ? 'draft'
        : 'open';
  const rows: Array<[string, string]> = [
    ['URL', s.url],
    ['Pull request', `${pullLine(s.pr, p)}, ${pullState}${p.fork ? ', from a fork' : ''}`],
    ['Head commit', short(s.headSha)],
    ['Desired', short(s.desiredSha)],
    ['Deployed', short(s.deployedSha)],
  ];
  if (p.fork) rows.push(['Approved', short(s.approvedSha)]);
  if (s.queue) {
    const waiting = s.queue.waitingForCapacity ? ' (waiting for Hetzner capacity)' : '';
    rows.push(['Queue', `position ${s.queue.position} of ${s.queue.length}${waiting}`]);
  }
  if (s.run) {
    const sha = s.run.sha ? ` ${short(s.run.sha)}` : '';
    rows.push([
      'Run',
      `${s.run.kind}${sha} (${s.run.id}), running for ${formatAge(s.run.elapsedMs)}`,
    ]);
  }
  if (s.failure) {
    const f = s.failure;
    const n = `${f.attempts} consecutive failure${f.attempts === 1 ? '' : 's'}`;
    rows.push([
      'Last failure',
      `${f.stage}, ${n}, ${time(f.failedAt)}\n${terminalSafe(f.lastError)}`,
    ]);
    rows.push([
      'Next retry',
      f.nextRetryAt === null || f.nextRetryInMs === null
        ? 'none: automatic retries stopped (`/deploy` retries)'
        : `${time(f.nextRetryAt)} (${f.nextRetryInMs > 0 ? `in ${formatAge(f.nextRetryInMs)}` : 'due'})`,
    ]);
  }
  if (s.manualOverride) {
    const o = s.manualOverride;
    const why = o.reason === 'idle_ttl' ? 'destroyed after the idle TTL' : 'destroyed on request';
    rows.push(['Override', `${why}${o.by ? ` by ${terminalSafe(o.by)}` : ''}, ${time(o.at)}`]);
  }
  if (s.ttl) {
    const left = s.ttl.remainingMs > 0 ? `in ${formatAge(s.ttl.remainingMs)}` : 'at the next tick';
    rows.push([
      'Idle TTL',
      `expires ${left} (${formatAge(s.ttl.ttlMs)} after ${time(s.ttl.lastActivityAt)})`,
    ]);
  }
  rows.push(['Node', s.node ?? NONE]);
  if (s.cost) {
    const since = s.cost.since ? ` since ${time(s.cost.since)}` : '';
    rows.push([
      'Cost',
      `${euros(s.cost.hourly, 4)} per hour, ${euros(s.cost.costSoFar, 4)}${since}`,
    ]);
  }
  const out = [`${s.env}: ${s.phase}`, ...fields(rows)];
  if (s.steps.length > 0) {
    const table = renderTable(
      [
        { title: 'STEP' },
        { title: 'COMMIT' },
        { title: 'STARTED' },
        { title: 'DURATION', align: 'right' },
        { title: 'RESULT' },
      ],
      s.steps.map((st) => [
        st.step,
        st.sha === null ? '' : short(st.sha),
        time(st.startedAt),
        formatAge(st.durationMs) + (st.endedAt === null ? '…' : ''),
        st.outcome,
      ]),
    );
    out.push('', ...table.map((l) => `  ${l}`));
  }
  out.push('', `Updated ${time(s.updatedAt)}`, ...renderDeadLetters(s.deadLetters));
  return out;
}
