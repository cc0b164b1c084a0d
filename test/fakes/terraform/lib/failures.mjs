// Injected failures (PRENV_FAKE_TF_FAIL), worded as hcloud-go / Terraform word them.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { lockErrorDetail } from './state.mjs';
import { TF_VERSION, plainError, resourceDiagnostic } from './ui.mjs';

export const FAILURE_CLASSES = [
  'resource_limit_exceeded',
  'server_type_unavailable',
  'rate_limited',
  'state_locked',
  'network',
];

const correlation = () => randomBytes(8).toString('hex');

/**
 * With PRENV_FAKE_TF_FAIL_RATE=R (0..1) and PRENV_FAKE_TF_FAIL_SEED=S, the n-th apply of the
 * state dir (counted in a file there, as runs are separate processes) fails with a `network`
 * error when sha256(S:n) falls under R: the same seed fails the same applies of a sequence.
 */
function seededFailure(command) {
  const rate = Number(process.env.PRENV_FAKE_TF_FAIL_RATE ?? 0);
  const dir = process.env.PRENV_FAKE_TF_STATE_DIR;
  if (!(rate > 0) || command !== 'apply' || !dir) return undefined;
  const counter = path.join(dir, '.applies');
  appendFileSync(counter, '.');
  const n = statSync(counter).size;
  const seed = process.env.PRENV_FAKE_TF_FAIL_SEED ?? '0';
  const draw = createHash('sha256').update(`${seed}:${n}`).digest().readUInt32BE(0) / 2 ** 32;
  if (draw >= rate) return undefined;
  appendFileSync(path.join(dir, '.failed-applies'), `${n}\n`);
  return 'network';
}

/** The failure to inject into `command`, or undefined. */
export function injectedFailure(command) {
  const kind = process.env.PRENV_FAKE_TF_FAIL;
  if (!kind) return seededFailure(command);
  if (!FAILURE_CLASSES.includes(kind)) {
    throw new Error(`PRENV_FAKE_TF_FAIL=${kind} is not one of ${FAILURE_CLASSES.join(', ')}`);
  }
  const on = process.env.PRENV_FAKE_TF_FAIL_ON || 'apply';
  return on === command ? kind : undefined;
}

/** Appended to every injected diagnostic when PRENV_FAKE_TF_ECHO_ENV is set. */
function echoed() {
  const name = process.env.PRENV_FAKE_TF_ECHO_ENV;
  return name ? `\n\nprovider debug: ${name}=${process.env[name] ?? ''}` : '';
}

/** Failures that happen before any resource is touched (state lock, backend). */
export function earlyDiagnostic(kind, { key, command }) {
  if (kind === 'state_locked') {
    const holder = {
      ID: randomUUID(),
      Path: `prenv-state/${key}`,
      Operation: command === 'plan' ? 'OperationTypePlan' : 'OperationTypeApply',
      Who: 'runner@ci-runner-7',
      Version: TF_VERSION,
      Created: '2025-11-20 09:14:03.123456 +0000 UTC',
      Info: '',
    };
    return plainError('Error acquiring the state lock', lockErrorDetail(holder) + echoed());
  }
  if (kind === 'network' && command === 'init') {
    return plainError(
      'Failed to get existing workspaces: operation error S3: ListObjectsV2, https response error ' +
        'StatusCode: 0, RequestID: , HostID: , request send failed, Get ' +
        '"https://prenv-state.fsn1.your-objectstorage.com/?list-type=2&prefix=env%3A%2F": ' +
        'dial tcp: lookup prenv-state.fsn1.your-objectstorage.com on 127.0.0.53:53: no such host',
      echoed().trim(),
    );
  }
  if (command === 'init') return plainError(`Failed to initialize (${kind})`, echoed().trim());
  return undefined;
}

/** Failures of one resource operation; the address is the resource being changed. */
export function resourceFailure(kind, change) {
  const addr = change.addr;
  const type = change.next?.attributes.server_type ?? change.prev?.attributes.server_type;
  const detail = echoed().trim();
  switch (kind) {
    case 'resource_limit_exceeded':
      return resourceDiagnostic(
        `server limit exceeded (resource_limit_exceeded, ${correlation()})`,
        detail,
        addr,
      );
    case 'server_type_unavailable':
      return resourceDiagnostic(
        `server type '${type}' is deprecated (invalid_input, ${correlation()}): ` +
          `[server_type => [server type '${type}' is deprecated]]`,
        detail,
        addr,
      );
    case 'rate_limited':
      return resourceDiagnostic(
        'hcclient/WaitForActions: limit of 3600 requests per hour reached (rate_limit_exceeded)',
        detail,
        addr,
      );
    case 'network':
      return resourceDiagnostic(
        'Post "https://api.hetzner.cloud/v1/servers": dial tcp: lookup api.hetzner.cloud ' +
          'on 127.0.0.53:53: no such host',
        detail,
        addr,
      );
    default:
      return resourceDiagnostic(`unexpected failure ${kind}`, detail, addr);
  }
}

/** resource_limit_exceeded hits the last create (the limit is reached part-way). */
export function failingChangeIndex(kind, changes) {
  if (kind === 'resource_limit_exceeded') {
    const creates = changes.map((c, i) => (c.action === 'create' ? i : -1)).filter((i) => i >= 0);
    return creates.length ? creates[creates.length - 1] : -1;
  }
  return changes.length ? 0 : -1;
}
