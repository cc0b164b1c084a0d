import { describe, expect, it } from 'vitest';
import {
  emptyDigest,
  foldLine,
  parsePlainDiagnostics,
  parseTextLine,
  parseUiLine,
} from '../../bot/adapters/terraform/ui-lines.js';

const resource = {
  addr: 'hcloud_server.preview',
  module: '',
  resource: 'hcloud_server.preview',
  implied_provider: 'hcloud',
  resource_type: 'hcloud_server',
  resource_name: 'preview',
  resource_key: null,
};
const base = { '@module': 'terraform.ui', '@timestamp': '2025-05-25T13:32:41.275359-04:00' };
const line = (o: Record<string, unknown>) => JSON.stringify({ ...base, ...o });

describe('machine-readable UI lines', () => {
  it.each([
    [
      'version',
      line({
        '@level': 'info',
        '@message': 'Terraform 1.9.8',
        terraform: '1.9.8',
        ui: '1.2',
        type: 'version',
      }),
      { type: 'version', level: 'info', message: 'Terraform 1.9.8' },
    ],
    [
      'apply_start',
      line({
        '@level': 'info',
        '@message': 'hcloud_server.preview: Creating...',
        hook: { resource, action: 'create' },
        type: 'apply_start',
      }),
      { type: 'apply_start', resource: 'hcloud_server.preview', action: 'create' },
    ],
    [
      'apply_progress',
      line({
        '@level': 'info',
        '@message': 'x: Still creating... [30s elapsed]',
        hook: { resource, action: 'create', elapsed_seconds: 30 },
        type: 'apply_progress',
      }),
      { type: 'apply_progress', elapsedSeconds: 30 },
    ],
    [
      'apply_errored',
      line({
        '@level': 'info',
        '@message': 'x: Creation errored after 10s',
        hook: { resource, action: 'create', elapsed_seconds: 10 },
        type: 'apply_errored',
      }),
      { type: 'apply_errored', resource: 'hcloud_server.preview', elapsedSeconds: 10 },
    ],
    [
      'planned_change',
      line({
        '@level': 'info',
        '@message': 'x: Plan to create',
        change: { resource, action: 'create' },
        type: 'planned_change',
      }),
      { type: 'planned_change', resource: 'hcloud_server.preview', action: 'create' },
    ],
    [
      'change_summary',
      line({
        '@level': 'info',
        '@message': 'Destroy complete! Resources: 2 destroyed.',
        changes: { add: 0, change: 0, remove: 2, operation: 'destroy' },
        type: 'change_summary',
      }),
      { type: 'change_summary', changes: { add: 0, change: 0, destroy: 2, operation: 'destroy' } },
    ],
    [
      'diagnostic',
      line({
        '@level': 'error',
        '@message': 'Error: boom',
        diagnostic: {
          severity: 'error',
          summary: 'boom',
          detail: 'd',
          address: 'hcloud_server.preview',
        },
        type: 'diagnostic',
      }),
      {
        type: 'diagnostic',
        level: 'error',
        diagnostic: {
          severity: 'error',
          summary: 'boom',
          detail: 'd',
          address: 'hcloud_server.preview',
        },
      },
    ],
    [
      'warning',
      line({
        '@level': 'warn',
        '@message': 'Warning: old',
        diagnostic: { severity: 'warning', summary: 'old', detail: '' },
        type: 'diagnostic',
      }),
      { type: 'diagnostic', level: 'warn' },
    ],
    [
      'unknown type',
      line({
        '@level': 'info',
        '@message': 'Found 1 file',
        type: 'test_abstract',
        test_abstract: {},
      }),
      { type: 'other', message: 'Found 1 file' },
    ],
    [
      'plain text',
      'Initializing the backend...',
      { type: 'log', message: 'Initializing the backend...' },
    ],
    ['broken JSON', '{"@level":', { type: 'log', message: '{"@level":' }],
  ])('%s', (_name, raw, expected) => {
    expect(parseUiLine(raw)?.event).toMatchObject(expected);
  });

  it('skips blank lines', () => {
    expect(parseUiLine('   ')).toBeUndefined();
    expect(parseTextLine('')).toBeUndefined();
  });

  it('outputs keep values in the parsed line, not in the event', () => {
    const parsed = parseUiLine(
      line({
        '@level': 'info',
        '@message': 'Outputs: 2',
        outputs: {
          ip: { sensitive: false, type: 'string', value: '203.0.113.5' },
          pw: { sensitive: true, type: 'string', value: 'x' },
        },
        type: 'outputs',
      }),
    );
    expect(parsed?.outputs).toEqual({
      ip: { value: '203.0.113.5', sensitive: false },
      pw: { value: 'x', sensitive: true },
    });
    expect(JSON.stringify(parsed?.event)).not.toContain('203.0.113.5');
  });

  it('folds a run into diagnostics, summaries per operation, planned changes and outputs', () => {
    const lines = [
      line({
        '@level': 'info',
        '@message': 'module.cluster.hcloud_server.server[0]: Plan to update',
        change: {
          resource: {
            addr: 'module.cluster.hcloud_server.server[0]',
            resource_type: 'hcloud_server',
          },
          action: 'update',
        },
        type: 'planned_change',
      }),
      line({
        '@level': 'info',
        '@message': 'Plan',
        changes: { add: 1, change: 0, remove: 0, operation: 'plan' },
        type: 'change_summary',
      }),
      line({
        '@level': 'error',
        '@message': 'Error: a',
        diagnostic: { severity: 'error', summary: 'a', detail: '' },
        type: 'diagnostic',
      }),
      line({
        '@level': 'info',
        '@message': 'Apply',
        changes: { add: 1, change: 0, remove: 0, operation: 'apply' },
        type: 'change_summary',
      }),
      line({
        '@level': 'info',
        '@message': 'Outputs: 1',
        outputs: { n: { value: 'pr-1', type: 'string', sensitive: false } },
        type: 'outputs',
      }),
    ];
    const digest = lines
      .map((l) => parseUiLine(l))
      .reduce((d, p) => (p ? foldLine(d, p) : d), emptyDigest());
    expect(digest).toEqual({
      diagnostics: [{ severity: 'error', summary: 'a', detail: '' }],
      summaries: {
        plan: { add: 1, change: 0, destroy: 0 },
        apply: { add: 1, change: 0, destroy: 0 },
      },
      outputs: { n: { value: 'pr-1', sensitive: false } },
      plannedChanges: [{ address: 'module.cluster.hcloud_server.server[0]', action: 'update' }],
    });
  });
});

describe('plain -no-color diagnostics', () => {
  it('splits Error and Warning blocks', () => {
    const text =
      '\nError: Backend configuration changed\n\nA change in the backend configuration has been detected.\n\n' +
      'Warning: Deprecated\n\nold\n';
    expect(parsePlainDiagnostics(text)).toEqual([
      {
        severity: 'error',
        summary: 'Backend configuration changed',
        detail: 'A change in the backend configuration has been detected.',
      },
      { severity: 'warning', summary: 'Deprecated', detail: 'old' },
    ]);
  });

  it('finds nothing in text without diagnostics', () => {
    expect(parsePlainDiagnostics('panic: runtime error\ngoroutine 1')).toEqual([]);
  });
});
