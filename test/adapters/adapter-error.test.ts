import { describe, expect, it } from 'vitest';
import type { AdapterError } from '../../bot/adapters/adapter-error.js';
import { HttpAdapterError, isAdapterError } from '../../bot/adapters/adapter-error.js';
import * as caddy from '../../bot/adapters/caddy/errors.js';
import * as consul from '../../bot/adapters/consul/errors.js';
import * as hetzner from '../../bot/adapters/hetzner/errors.js';
import * as nomad from '../../bot/adapters/nomad/errors.js';
import { TerraformError, type TerraformFailure } from '../../bot/adapters/terraform/failure.js';

const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });

function terraformError(failure: TerraformFailure): TerraformError {
  return new TerraformError({
    failure,
    command: 'apply',
    args: ['apply'],
    exitCode: 1,
    stderrTail: '',
  });
}

const cases: [string, AdapterError, Partial<AdapterError> & { name: string; text: string }][] = [
  [
    'Caddy unreachable',
    caddy.unreachableError('GET /config/', 'http://127.0.0.1:2019', refused),
    {
      name: 'CaddyError',
      adapter: 'caddy',
      kind: 'unreachable',
      operation: 'GET /config/',
      retryable: true,
      text: '(ECONNREFUSED)',
    },
  ],
  [
    'Caddy conflict',
    caddy.errorFromResponse(412, '{"error":"etag mismatch"}', 'POST /config/apps'),
    {
      name: 'CaddyError',
      adapter: 'caddy',
      kind: 'conflict',
      retryable: false,
      text: 'read it again and retry',
    },
  ],
  [
    'Consul forbidden',
    consul.errorFromResponse(403, 'Permission denied', 'PUT /v1/kv/prenv'),
    {
      name: 'ConsulError',
      adapter: 'consul',
      kind: 'forbidden',
      operation: 'PUT /v1/kv/prenv',
      retryable: false,
      text: 'PRENV_CONSUL_TOKEN',
    },
  ],
  [
    'Consul server error',
    consul.errorFromResponse(500, 'No cluster leader', 'GET /v1/kv/prenv'),
    {
      name: 'ConsulError',
      adapter: 'consul',
      kind: 'server',
      retryable: true,
      text: 'No cluster leader',
    },
  ],
  [
    'Hetzner rate limit',
    hetzner.errorFromResponse(
      429,
      '{"error":{"code":"rate_limit_exceeded","message":"limit"}}',
      'GET /servers',
      '1700000000',
    ),
    {
      name: 'HetznerError',
      adapter: 'hetzner',
      kind: 'rate_limit_exceeded',
      operation: 'GET /servers',
      retryable: true,
      text: 'refills at 2023-11-14',
    },
  ],
  [
    'Hetzner bad token',
    hetzner.errorFromResponse(
      401,
      '{"error":{"code":"unauthorized","message":"no"}}',
      'GET /servers',
      null,
    ),
    {
      name: 'HetznerError',
      adapter: 'hetzner',
      kind: 'unauthorized',
      retryable: false,
      text: 'PRENV_HCLOUD_TOKEN',
    },
  ],
  [
    'Hetzner service error',
    hetzner.errorFromResponse(
      503,
      '{"error":{"code":"service_error","message":"down"}}',
      'GET /servers',
      null,
    ),
    {
      name: 'HetznerError',
      adapter: 'hetzner',
      kind: 'api_error',
      retryable: true,
      text: 'HTTP 503 service_error',
    },
  ],
  [
    'Nomad unreachable',
    nomad.unreachableError('GET /v1/job/pr-7-web', 'http://127.0.0.1:4646', refused),
    {
      name: 'NomadError',
      adapter: 'nomad',
      kind: 'unreachable',
      operation: 'GET /v1/job/pr-7-web',
      retryable: true,
      text: 'PRENV_NOMAD_ADDR',
    },
  ],
  [
    'Nomad validation error answered with 500',
    nomad.errorFromResponse(
      500,
      '1 error occurred:\n\t* Task group web validation failed',
      'POST /v1/jobs',
    ),
    {
      name: 'NomadError',
      adapter: 'nomad',
      kind: 'bad_request',
      retryable: false,
      text: 'Nomad rejected POST /v1/jobs',
    },
  ],
  [
    'Terraform rate limited',
    terraformError({ kind: 'rate_limited', message: 'Hetzner rate limit', detail: '' }),
    {
      name: 'TerraformError',
      adapter: 'terraform',
      kind: 'rate_limited',
      operation: 'apply',
      retryable: true,
      text: 'Hetzner rate limit',
    },
  ],
  [
    'Terraform state locked',
    terraformError({ kind: 'state_locked', message: 'locked by another run', detail: '' }),
    {
      name: 'TerraformError',
      adapter: 'terraform',
      kind: 'state_locked',
      retryable: false,
      text: 'locked by another run',
    },
  ],
];

describe('AdapterError: one base for the adapters’ typed errors', () => {
  it.each(cases)('%s', (_what, err, { name, text, ...fields }) => {
    expect(err).toBeInstanceOf(Error);
    expect(isAdapterError(err)).toBe(true);
    expect(err.name).toBe(name);
    expect(err.message).toContain(text);
    expect(err).toMatchObject(fields);
    if (err.adapter !== 'terraform') {
      expect(err).toBeInstanceOf(HttpAdapterError);
      expect((err as HttpAdapterError).request).toBe(err.operation);
    }
  });

  it('keeps the network error as the cause, out of the JSON form', () => {
    const err = nomad.unreachableError('GET /v1/jobs', 'http://127.0.0.1:4646', refused);
    expect(err.cause).toBe(refused);
    expect(JSON.stringify(err)).not.toContain('fetch failed');
  });

  it('is not claimed by errors of other origins', () => {
    expect(isAdapterError(new Error('x'))).toBe(false);
    expect(isAdapterError({ adapter: 'nomad', kind: 'server' })).toBe(false);
  });
});
