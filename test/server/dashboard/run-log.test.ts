import { describe, expect, it } from 'vitest';
import { REDACTED } from '../../../bot/core/redact.js';
import { RunLog, type RunLine } from '../../../bot/server/dashboard/run-log.js';
import { dashboardPage, runPage } from '../../../bot/server/dashboard/pages.js';

const SECRETS = [
  'hcloud-0123456789abcdef',
  '-----BEGIN KEY-----\nabc\n-----END KEY-----',
  'ghs_tokenvalue',
];

describe('run output', () => {
  it.each([
    ['as is', (s: string) => `error: token ${s} refused`],
    ['JSON-escaped', (s: string) => `body ${JSON.stringify({ key: s })}`],
    ['twice on one line', (s: string) => `${s}:${s}`],
  ])('no secret reaches a streamed line (%s)', (_how, write) => {
    const log = new RunLog({ secrets: SECRETS });
    const streamed: RunLine[] = [];
    log.started({ kind: 'deploy', pr: 3, runId: 'pr-3/deploy/9', sha: 'b'.repeat(40) });
    log.subscribe('pr-3/deploy/9', (e) => e.line && streamed.push(e.line));
    for (const secret of SECRETS) log.line('pr-3/deploy/9', write(secret));
    log.finished('pr-3/deploy/9', 'failed', `apply failed with ${SECRETS[0]}`);
    const run = log.get('pr-3/deploy/9')!;
    const everything = JSON.stringify([streamed, run]) + runPage(run, 'me', Date.now());
    for (const secret of SECRETS) {
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(JSON.stringify(secret).slice(1, -1));
    }
    expect(streamed).toHaveLength(SECRETS.length);
    expect(streamed[0]!.text).toContain(REDACTED);
    expect(run.error).toContain(REDACTED);
  });

  it('keeps the newest lines of a run and the newest finished runs', () => {
    const log = new RunLog({ secrets: [], maxLines: 3, maxFinishedRuns: 2 });
    for (let i = 1; i <= 4; i++) {
      const runId = `pr-${i}/provision/${i}`;
      log.started({ kind: 'provision', pr: i, runId });
      for (let n = 1; n <= 5; n++) log.line(runId, `line ${n}`);
      if (i < 4) log.finished(runId, 'succeeded');
    }
    expect(log.list().map((r) => r.runId)).toEqual([
      'pr-4/provision/4',
      'pr-3/provision/3',
      'pr-2/provision/2',
    ]);
    const run = log.get('pr-4/provision/4')!;
    expect(run.lines.map((l) => [l.seq, l.text])).toEqual([
      [3, 'line 3'],
      [4, 'line 4'],
      [5, 'line 5'],
    ]);
    expect(run.dropped).toBe(2);
  });

  it('ignores lines after the end, and a listener that throws stops nothing', () => {
    const log = new RunLog({ secrets: [] });
    log.started({ kind: 'destroy', pr: 1, runId: 'r' });
    log.subscribe('r', () => {
      throw new Error('browser went away');
    });
    log.line('r', 'one\nsplit');
    log.finished('r', 'succeeded');
    log.line('r', 'late');
    expect(log.get('r')!.lines.map((l) => l.text)).toEqual(['one split']);
  });

  it('renders a run page with its steps, timings and escaped output', () => {
    let t = 1_000;
    const log = new RunLog({ secrets: [], clock: () => t });
    log.started({ kind: 'deploy', pr: 5, runId: 'pr-5/deploy/2', sha: 'c'.repeat(40) });
    t = 2_000;
    log.line('pr-5/deploy/2', 'submitting <job>');
    t = 65_000;
    log.line('pr-5/deploy/2', 'adding the Caddy route');
    const page = runPage(log.get('pr-5/deploy/2')!, 'me', 70_000);
    expect(page).toContain('<td>submitting &lt;job&gt;</td>');
    expect(page).toContain('<td>1m 03s</td>');
    expect(page).toContain('data-live="1"');
    expect(page).toContain('<meta name="viewport"');
    expect(page).not.toMatch(/https?:\/\/(?!pr-)[^"]*\.(js|css)/);
  });

  it('renders the queue in FIFO order with positions and the slots used', () => {
    const page = dashboardPage(
      {
        project: 'p',
        repository: 'o/r',
        now: 10_000,
        envs: [],
        queue: [
          { position: 1, pr: 9, title: 'first', waitingMs: 5_000 },
          { position: 2, pr: 4, title: '<second>', waitingMs: 1_000 },
        ],
        slots: { used: 15, cap: 15 },
        runs: [],
      },
      'me',
    );
    expect(page.indexOf('PR #9')).toBeLessThan(page.indexOf('PR #4'));
    expect(page).toContain('position 2');
    expect(page).toContain('&lt;second&gt;');
    expect(page).toContain('15 of 15 slots used');
  });
});
