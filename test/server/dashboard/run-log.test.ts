import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../bot/adapters/store/sqlite-store.js';
import { REDACTED } from '../../../bot/core/redact.js';
import { readRuntimeSettings } from '../../../bot/wiring/settings.js';
import {
  keptPart,
  RunLog,
  type RunLine,
  type RunRecord,
} from '../../../bot/server/dashboard/run-log.js';
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
    const log = new RunLog({
      secrets: [],
      maxLines: 3,
      retention: { runs: 2, maxAgeMs: 86_400_000 },
    });
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
        slotHistory: [],
        month: null,
        runs: [],
      },
      'me',
    );
    expect(page.indexOf('PR #9')).toBeLessThan(page.indexOf('PR #4'));
    expect(page).toContain('position 2');
    expect(page).toContain('&lt;second&gt;');
    expect(page).toContain('15 of 15 slots used');
  });

  it('keeps finished runs across a restart of the bot, redacted and within the retention', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'prenv-runs-')), 'state.db');
    let t = Date.UTC(2026, 10, 20, 9);
    const clock = () => t;
    const retention = { runs: 2, maxAgeMs: 86_400_000 };
    const first = openSqliteStore(file);
    const before = new RunLog({ secrets: SECRETS, store: first, retention, clock });
    for (const n of [1, 2, 3]) {
      const runId = `pr-${n}/deploy/${n}`;
      before.started({ kind: 'deploy', pr: n, runId, sha: 'd'.repeat(40) });
      t += 1_000;
      before.line(runId, `terraform apply with ${SECRETS[2]}`);
      before.line(runId, `nomad job ${n} <submitted>`);
      t += 1_000;
      before.finished(runId, n === 2 ? 'failed' : 'succeeded', n === 2 ? SECRETS[0] : undefined);
    }
    // Still running when the bot stops: not kept (the resumed run writes its own lines).
    before.started({ kind: 'destroy', pr: 4, runId: 'pr-4/destroy/4' });
    before.line('pr-4/destroy/4', 'destroying');
    await before.flushed();
    await first.close();

    const second = openSqliteStore(file);
    const after = new RunLog({ secrets: SECRETS, store: second, retention, clock });
    await after.restore();
    expect(after.list().map((r) => [r.runId, r.outcome])).toEqual([
      ['pr-3/deploy/3', 'succeeded'],
      ['pr-2/deploy/2', 'failed'],
    ]);
    const run = after.get('pr-2/deploy/2')!;
    expect(run.lines.map((l) => [l.seq, l.text])).toEqual([
      [1, `terraform apply with ${REDACTED}`],
      [2, 'nomad job 2 <submitted>'],
    ]);
    expect(run.error).toBe(REDACTED);
    expect(runPage(run, 'me', t)).toContain('nomad job 2 &lt;submitted&gt;');
    expect(JSON.stringify(await second.keptRuns())).not.toContain(SECRETS[2]);
    // A day later the old runs are past the retention; a new one is kept alone.
    t += 86_400_000 + 1;
    after.started({ kind: 'redeploy', pr: 5, runId: 'pr-5/redeploy/5', sha: 'e'.repeat(40) });
    after.finished('pr-5/redeploy/5', 'succeeded');
    await after.flushed();
    expect((await second.keptRuns()).map((r) => r.runId)).toEqual(['pr-5/redeploy/5']);
    const third = new RunLog({ secrets: [], store: second, retention, clock });
    await third.restore();
    expect(third.list().map((r) => r.runId)).toEqual(['pr-5/redeploy/5']);
    await second.close();
  });

  it.each([
    ['fits', 3, 1_000, 0],
    ['drops the oldest lines past the bytes', 10, 3 * (100 + 40), 7],
    ['counts UTF-8 bytes, not characters', 4, 2 * (200 + 40), 2],
  ])('keeps the newest part of a long run (%s)', (how, lines, maxBytes, dropped) => {
    const text = how.startsWith('counts') ? 'é'.repeat(100) : 'x'.repeat(100);
    const run: RunRecord = {
      runId: 'r',
      environment: 'pr-1',
      pr: 1,
      kind: 'deploy',
      sha: null,
      startedAt: 0,
      endedAt: 1,
      outcome: 'succeeded',
      error: null,
      lines: Array.from({ length: lines }, (_, i) => ({ seq: 6 + i, at: i, text })),
      dropped: 5,
    };
    const kept = keptPart(run, maxBytes);
    expect(kept.dropped).toBe(5 + dropped);
    expect(kept.lines).toHaveLength(lines - dropped);
    expect(kept.lines.at(-1)).toEqual(run.lines.at(-1));
    expect(kept.lines[0]!.seq).toBe(6 + dropped);
  });

  const DAY = 86_400_000;
  it.each([
    [{}, { runs: 200, maxAgeMs: 30 * DAY }],
    [
      { PRENV_RUN_LOG_RUNS: '50', PRENV_RUN_LOG_RETENTION: '72h' },
      { runs: 50, maxAgeMs: 3 * DAY },
    ],
    [
      { PRENV_RUN_LOG_RUNS: '1000', PRENV_RUN_LOG_RETENTION: '90d' },
      { runs: 1000, maxAgeMs: 90 * DAY },
    ],
    [{ PRENV_RUN_LOG_RUNS: '1001' }, /PRENV_RUN_LOG_RUNS must be from 1 to 1000, got "1001"/],
    [{ PRENV_RUN_LOG_RUNS: '0' }, /from 1 to 1000/],
    [{ PRENV_RUN_LOG_RUNS: '2.5' }, /from 1 to 1000/],
    [
      { PRENV_RUN_LOG_RETENTION: '91d' },
      /PRENV_RUN_LOG_RETENTION must be .* at most 90d, got "91d"/,
    ],
    [{ PRENV_RUN_LOG_RETENTION: 'a month' }, /PRENV_RUN_LOG_RETENTION must be a duration/],
    [{ PRENV_RUN_LOG_RETENTION: '0d' }, /PRENV_RUN_LOG_RETENTION must be a duration/],
  ])('reads the run log retention from %j', (env, expected) => {
    const result = readRuntimeSettings(env as Record<string, string>);
    if (expected instanceof RegExp) {
      expect(result.ok).toBe(false);
      expect(!result.ok && result.errors.join('\n')).toMatch(expected);
    } else {
      expect(result.ok && result.settings.runLogRetention).toEqual(expected);
    }
  });
});
