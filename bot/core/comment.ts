import type { StickyView } from './actions.js';
import { codeBlock, codeSpan, escapeText } from './markdown.js';
import type { Phase, StepRecord } from './model.js';
import { envName, shortSha } from './model.js';
import { nextStep } from './comment-next.js';
import { formatDuration, formatTime } from './format.js';

/** The hidden marker that identifies the one sticky comment of PR `pr` (edited in place). */
export function stickyMarker(pr: number): string {
  return `<!-- prenv:sticky ${envName(pr)} -->`;
}

const HEADLINE: Record<Phase, string> = {
  absent: '⚪ no environment',
  queued: '⏳ queued',
  provisioning: '🔧 creating the server',
  deploying: '🚀 deploying',
  live: '🟢 live',
  redeploying: '🔄 redeploying',
  destroying: '🧹 destroying',
  failed: '🔴 failed',
};

/** Markdown of the sticky comment. Every user-controlled string is escaped. */
export function renderSticky(view: StickyView): string {
  const { env } = view;
  const out = [
    stickyMarker(env.pr),
    `### Preview ${codeSpan(envName(env.pr))}: ${HEADLINE[env.phase]}`,
    '',
    '| | |',
    '| --- | --- |',
    ...summaryRows(view).map(([k, v]) => `| ${k} | ${v} |`),
  ];
  if (env.steps.length > 0) out.push('', ...stepsTable(env.steps));
  if (env.failure) {
    const f = env.failure;
    out.push(
      '',
      `**Last error** (${f.stage}, ${f.attempts} consecutive failure${f.attempts === 1 ? '' : 's'}, ${formatTime(f.failedAt)}):`,
      '',
      codeBlock(f.lastError),
    );
  }
  out.push(
    '',
    `**Next:** ${nextStep(view)}`,
    '',
    `<sub>Updated ${formatTime(env.updatedAt)}</sub>`,
  );
  return out.join('\n') + '\n';
}

function summaryRows(view: StickyView): Array<[string, string]> {
  const { env } = view;
  const rows: Array<[string, string]> = [];
  if (env.phase === 'live' || env.phase === 'redeploying') rows.push(['URL', view.url]);
  rows.push(['Pull request', escapeText(env.pull.title) || '—']);
  rows.push(['Branch', codeSpan(env.pull.headRef)]);
  rows.push(['Head commit', codeSpan(shortSha(env.pull.headSha) ?? '')]);
  if (env.deployedSha) rows.push(['Deployed commit', codeSpan(shortSha(env.deployedSha)!)]);
  if (view.queue) rows.push(['Queue', `position ${view.queue.position} of ${view.queue.length}`]);
  return rows;
}

function stepsTable(steps: StepRecord[]): string[] {
  return [
    '| step | commit | started | duration | result |',
    '| --- | --- | --- | --- | --- |',
    ...steps.map((s) => {
      const sha = s.sha ? codeSpan(shortSha(s.sha)!) : '';
      const duration = s.endedAt === null ? '…' : formatDuration(s.endedAt - s.startedAt);
      return `| ${s.step} | ${sha} | ${formatTime(s.startedAt)} | ${duration} | ${s.outcome} |`;
    }),
  ];
}
