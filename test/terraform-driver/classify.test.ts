import { describe, expect, it } from 'vitest';
import { classifyFailure, successorServerType } from '../../bot/adapters/terraform/classify.js';
import type { FailureContext } from '../../bot/adapters/terraform/classify.js';
import type { Diagnostic } from '../../bot/adapters/terraform/ui-lines.js';

const ctx: FailureContext = {
  command: 'apply',
  target: 'pr-7',
  stateKey: 'prenv/pr/7.tfstate',
  dir: 'terraform/environments/pr',
  dataDir: '.terraform-pr-7',
  serverType: 'cx22',
  location: 'nbg1',
};
const err = (summary: string, detail = ''): Diagnostic => ({ severity: 'error', summary, detail });

const LOCK_DETAIL = [
  'Error message: operation error S3: PutObject, https response error StatusCode: 412, api error PreconditionFailed',
  'Lock Info:',
  '  ID:        4f2b5c9e-1111-2222-3333-444455556666',
  '  Path:      prenv-state/prenv/pr/7.tfstate',
  '  Operation: OperationTypeApply',
  '  Who:       runner@runnervm',
  '  Version:   1.9.8',
  '  Created:   2025-11-20 09:14:03.123456 +0000 UTC',
  '  Info:      ',
].join('\n');

describe('classifyFailure: message shapes seen from Terraform and hcloud-go', () => {
  it.each<[string, Diagnostic[], string, string]>([
    [
      'server limit',
      [err('server limit exceeded (resource_limit_exceeded, d1798f30e86aa508)')],
      '',
      'resource_limit_exceeded',
    ],
    [
      'server limit, no correlation id',
      [err('server limit exceeded (resource_limit_exceeded)')],
      '',
      'resource_limit_exceeded',
    ],
    [
      'primary IP limit',
      [err('Primary IP limit exceeded (resource_limit_exceeded, 971c2996dc2dd6c0)')],
      '',
      'resource_limit_exceeded',
    ],
    [
      'rate limit',
      [
        err(
          'hcclient/WaitForActions: limit of 7200 requests per hour reached (rate_limit_exceeded)',
        ),
      ],
      '',
      'rate_limited',
    ],
    ['old rate limit code', [err('limit reached (limit_reached)')], '', 'rate_limited'],
    [
      'deprecated type',
      [
        err(
          "server type 'cx21' is deprecated (invalid_input): [server_type => [server type 'cx21' is deprecated]]",
        ),
      ],
      '',
      'server_type_unavailable',
    ],
    ['type not found', [err('server type cx22 not found')], '', 'server_type_unavailable'],
    [
      'type not in location',
      [
        err(
          'unsupported location for server type (invalid_input, 1eeb46b15be7d3004d2e48dae364f5de)',
        ),
      ],
      '',
      'server_type_unavailable',
    ],
    [
      'invalid_server_type code',
      [err('server type does not fit (invalid_server_type, abc)')],
      '',
      'server_type_unavailable',
    ],
    [
      'placement',
      [err('error during placement (resource_unavailable, 0a1b)')],
      '',
      'server_type_unavailable',
    ],
    ['state lock', [err('Error acquiring the state lock', LOCK_DETAIL)], '', 'state_locked'],
    [
      'no such host',
      [
        err(
          'Post "https://api.hetzner.cloud/v1/servers": dial tcp: lookup api.hetzner.cloud on 127.0.0.53:53: no such host',
        ),
      ],
      '',
      'network',
    ],
    [
      'connection refused',
      [
        err(
          'Get "https://api.hetzner.cloud/v1/servers/1": dial tcp 1.2.3.4:443: connect: connection refused',
        ),
      ],
      '',
      'network',
    ],
    ['i/o timeout', [err('Get "https://x": dial tcp 1.2.3.4:443: i/o timeout')], '', 'network'],
    [
      'unreachable lock backend',
      [
        err(
          'Error acquiring the state lock',
          'Error message: operation error S3: PutObject, dial tcp: lookup s3.example on 127.0.0.53:53: no such host',
        ),
      ],
      '',
      'network',
    ],
    [
      'network in plain stderr only',
      [],
      'Error: Failed to get existing workspaces: ... dial tcp: lookup bucket.example: no such host\n',
      'network',
    ],
    [
      'anything else',
      [err('Unsupported argument', 'An argument named "foo" is not expected here.')],
      '',
      'unknown',
    ],
    ['crash without diagnostics', [], 'panic: runtime error: index out of range\n', 'unknown'],
  ])('%s', (_name, diagnostics, stderr, kind) => {
    expect(classifyFailure({ diagnostics, stderr, exitCode: 1 }, ctx).kind).toBe(kind);
  });

  it('ignores warnings, e.g. a deprecation notice on a server that was created', () => {
    const warning: Diagnostic = {
      severity: 'warning',
      summary:
        'Server Type "cx22" is deprecated in all locations and will no longer be available for order as of 2025-12-31',
      detail: '',
    };
    const failure = classifyFailure(
      { diagnostics: [warning, err('Unsupported argument')], stderr: '', exitCode: 1 },
      ctx,
    );
    expect(failure.kind).toBe('unknown');
  });

  it('a stop by prenv wins over whatever Terraform printed', () => {
    const diagnostics = [err('execution halted')];
    expect(
      classifyFailure({ diagnostics, stderr: '', stopped: { reason: 'cancelled' } }, ctx).kind,
    ).toBe('cancelled');
    expect(
      classifyFailure(
        { diagnostics, stderr: '', stopped: { reason: 'timeout', timeoutMs: 90_000 } },
        ctx,
      ),
    ).toMatchObject({
      kind: 'timeout',
      timeoutMs: 90_000,
      message: expect.stringMatching(/terraform apply for pr-7 did not finish within 90s/),
    });
  });

  it('state_locked carries the lock holder and how to release it', () => {
    const failure = classifyFailure(
      { diagnostics: [err('Error acquiring the state lock', LOCK_DETAIL)], stderr: '' },
      ctx,
    );
    expect(failure).toEqual({
      kind: 'state_locked',
      detail: 'Error acquiring the state lock',
      lockId: '4f2b5c9e-1111-2222-3333-444455556666',
      lockedBy: 'runner@runnervm',
      operation: 'OperationTypeApply',
      lockedSince: '2025-11-20 09:14:03.123456 +0000 UTC',
      message:
        'The state prenv/pr/7.tfstate for pr-7 is locked (by runner@runnervm, lock ID 4f2b5c9e-1111-2222-3333-444455556666, ' +
        'OperationTypeApply, since 2025-11-20 09:14:03.123456 +0000 UTC). Another Terraform run is still working on this ' +
        'environment: wait for it and retry. If that run is dead, release the lock with ' +
        '`TF_DATA_DIR=.terraform-pr-7 terraform force-unlock -force 4f2b5c9e-1111-2222-3333-444455556666` ' +
        'in terraform/environments/pr.',
    });
  });

  it('resource_limit_exceeded says the PR stays queued', () => {
    const failure = classifyFailure(
      { diagnostics: [err('server limit exceeded (resource_limit_exceeded, d1)')], stderr: '' },
      ctx,
    );
    expect(failure.message).toBe(
      "Hetzner refused to create more resources for pr-7: the project's limit is reached " +
        '(server limit exceeded (resource_limit_exceeded, d1)). prenv is at capacity: the PR stays queued and starts ' +
        'when another environment is destroyed. To run more at once, ask Hetzner to raise the limit (Cloud Console → Limits).',
    );
  });

  it.each([
    ["server type 'cx21' is deprecated (invalid_input)", 'cx21', 'cx23'],
    ['server type cx32 not found', 'cx32', 'cx33'],
    ['unsupported location for server type (invalid_input, 1e)', 'cx22', 'cx23'],
  ])('server_type_unavailable from "%s" names %s and suggests %s', (summary, type, suggestion) => {
    const failure = classifyFailure({ diagnostics: [err(summary)], stderr: '' }, ctx);
    expect(failure).toMatchObject({
      kind: 'server_type_unavailable',
      serverType: type,
      suggestedServerType: suggestion,
    });
    expect(failure.message).toContain(`server type ${type} in nbg1`);
    expect(failure.message).toContain(`e.g. ${suggestion}`);
  });

  it.each([
    ['pr-7', 'hetzner.preview_server_type'],
    ['production', 'hetzner.server_type'],
    ['staging', 'hetzner.server_type'],
  ])('a refused type for %s names the setting %s and hetzner.location', (target, setting) => {
    const failure = classifyFailure(
      { diagnostics: [err("server type 'cx22' is deprecated (invalid_input)")], stderr: '' },
      { ...ctx, target },
    );
    expect(failure.message).toContain(
      `Set ${setting} in prenv.yml to a type that is offered there, e.g. cx23, or change hetzner.location`,
    );
  });

  it('unknown failures quote Terraform and the exit code', () => {
    const failure = classifyFailure(
      { diagnostics: [err('Unsupported argument')], stderr: '', exitCode: 1 },
      ctx,
    );
    expect(failure.message).toBe(
      'terraform apply for pr-7 failed with exit code 1: Unsupported argument. See the log for the full output.',
    );
  });
});

describe('successorServerType', () => {
  it.each([
    ['cx22', 'cx23'],
    ['cx32', 'cx33'],
    ['cx52', 'cx53'],
    ['cpx11', 'cx23'],
    [undefined, 'cx23'],
  ])('%s → %s', (type, successor) => {
    expect(successorServerType(type)).toBe(successor);
  });
});
