import type { TerraformFailure } from './failure.js';
import type { TfCommand } from './types.js';
import type { Diagnostic } from './ui-lines.js';

/*
 * Hetzner API errors reach Terraform through hcloud-go as "<message> (<code>)" or
 * "<message> (<code>, <correlation id>)", e.g. "server limit exceeded
 * (resource_limit_exceeded, d1798f30e86aa508)". Terraform's own errors (state lock,
 * network) are matched on their fixed summaries.
 */

export interface FailureContext {
  command: TfCommand;
  /** e.g. `pr-7`, `production` */
  target?: string;
  stateKey?: string;
  dir?: string;
  /** TF_DATA_DIR of the target, when it is not the default `.terraform`. */
  dataDir?: string;
  serverType?: string;
  location?: string;
}

export type StopReason = { reason: 'timeout'; timeoutMs: number } | { reason: 'cancelled' };

export interface FailureEvidence {
  /** Error and warning diagnostics from the `-json` stream and from plain stderr. */
  diagnostics: Diagnostic[];
  stderr: string;
  exitCode?: number;
  /** The signal that ended the process, when one did. */
  signal?: string;
  /** Set when prenv itself stopped the command. */
  stopped?: StopReason;
}

const RESOURCE_LIMIT = /resource_limit_exceeded/;
const RATE_LIMIT = /\((?:rate_limit_exceeded|limit_reached)[,)]|requests per hour reached/;
const SERVER_TYPE = [
  /server type '?([a-z0-9-]+)'? is deprecated/i,
  /server type '?([a-z0-9-]+)'? not found/i,
  /server type '?([a-z0-9-]+)'? is (?:not available|unavailable)/i,
  /unsupported location for server type/i,
  /\(invalid_server_type[,)]/,
  /\((?:resource_unavailable|placement_error)[,)]/,
];
const STATE_LOCK = /Error acquiring the state lock/i;
const NETWORK =
  /connection refused|no such host|i\/o timeout|network is unreachable|connection reset by peer|TLS handshake timeout|Client\.Timeout exceeded|dial tcp|no route to host|temporary failure in name resolution/i;

const DEFAULT_SUCCESSOR = 'cx23';

/** Hetzner's 2025 successors follow the pattern cx22 → cx23, cx32 → cx33, … */
export function successorServerType(serverType: string | undefined): string {
  const m = /^cx(\d)2$/.exec(serverType ?? '');
  if (m) return `cx${m[1]}3`;
  return DEFAULT_SUCCESSOR;
}

function text(d: Diagnostic): string {
  return `${d.summary}\n${d.detail}`;
}

function lockField(detail: string, name: string): string | undefined {
  const m = new RegExp(`^\\s*${name}:[ \\t]*(.*)$`, 'm').exec(detail);
  const v = m?.[1]?.trim();
  return v ? v : undefined;
}

/** The prenv.yml key that chose the type: previews have their own (tfvars.ts). */
function serverTypeSetting(ctx: FailureContext): string {
  return ctx.target && /^pr-\d+$/.test(ctx.target)
    ? 'hetzner.preview_server_type'
    : 'hetzner.server_type';
}

function where(ctx: FailureContext): string {
  return ctx.target ? ` for ${ctx.target}` : '';
}

export function classifyFailure(ev: FailureEvidence, ctx: FailureContext): TerraformFailure {
  const errors = ev.diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0];
  const detail = first ? first.summary : lastLine(ev.stderr);
  const haystacks = [...errors.map(text), ev.stderr];
  const find = (re: RegExp): string | undefined => haystacks.find((h) => re.test(h));

  if (ev.stopped?.reason === 'timeout') {
    const secs = Math.round(ev.stopped.timeoutMs / 1000);
    return {
      kind: 'timeout',
      timeoutMs: ev.stopped.timeoutMs,
      detail,
      message:
        `terraform ${ctx.command}${where(ctx)} did not finish within ${secs}s and was stopped ` +
        '(interrupted so it could save its state and release the lock). ' +
        'Retry; if it keeps happening, raise the timeout.',
    };
  }
  if (ev.stopped?.reason === 'cancelled') {
    return {
      kind: 'cancelled',
      detail,
      message:
        `terraform ${ctx.command}${where(ctx)} was cancelled (a newer run replaced it, or it ` +
        'was stopped by hand). Nothing to do unless you still want this change: run it again.',
    };
  }

  if (ev.signal && !ev.stopped) {
    const state = ctx.stateKey ? `state ${ctx.stateKey}` : 'its state';
    return {
      kind: 'killed',
      signal: ev.signal,
      detail,
      message:
        `terraform ${ctx.command}${where(ctx)} was killed by ${ev.signal} (not by prenv: the ` +
        'kernel out of memory, or someone killing it). It may have left ' +
        `${state} locked and half-applied; the next run checks for that lock at once and ` +
        'says how to release it, and the retry finishes the change.',
    };
  }

  const lockText = find(STATE_LOCK);
  const lockId = lockText === undefined ? undefined : lockField(lockText, 'ID');
  // Without lock info, a lock error is the backend being unreachable, not a held lock.
  const lockUnreachable = lockText !== undefined && !lockId && NETWORK.test(lockText);
  if (lockText !== undefined && !lockUnreachable) {
    const lockedBy = lockField(lockText, 'Who');
    const operation = lockField(lockText, 'Operation');
    const lockedSince = lockField(lockText, 'Created');
    const state = ctx.stateKey ? `state ${ctx.stateKey}` : 'Terraform state';
    const holder = [
      lockedBy ? `by ${lockedBy}` : undefined,
      lockId ? `lock ID ${lockId}` : undefined,
      operation ? operation : undefined,
      lockedSince ? `since ${lockedSince}` : undefined,
    ].filter(Boolean);
    const env = ctx.dataDir && ctx.dataDir !== '.terraform' ? `TF_DATA_DIR=${ctx.dataDir} ` : '';
    const unlock = `\`${env}terraform force-unlock -force ${lockId ?? '<lock ID>'}\`${ctx.dir ? ` in ${ctx.dir}` : ''}`;
    return {
      kind: 'state_locked',
      detail,
      ...(lockId ? { lockId } : {}),
      ...(lockedBy ? { lockedBy } : {}),
      ...(operation ? { operation } : {}),
      ...(lockedSince ? { lockedSince } : {}),
      message:
        `The ${state}${where(ctx)} is locked${holder.length ? ` (${holder.join(', ')})` : ''}. ` +
        'Another Terraform run is still working on this environment: wait for it and retry. ' +
        `If that run is dead, release the lock with ${unlock}.`,
    };
  }

  if (find(RESOURCE_LIMIT) !== undefined) {
    return {
      kind: 'resource_limit_exceeded',
      detail,
      message:
        `Hetzner refused to create more resources${where(ctx)}: the project's limit is reached ` +
        `(${detail}). prenv is at capacity: the PR stays queued and starts when another ` +
        'environment is destroyed. To run more at once, ask Hetzner to raise the limit ' +
        '(Cloud Console → Limits).',
    };
  }

  if (find(RATE_LIMIT) !== undefined) {
    return {
      kind: 'rate_limited',
      detail,
      message:
        `Hetzner's API rate limit was hit${where(ctx)} (${detail}). ` +
        'It resets within the hour: wait a few minutes and retry (prenv retries with backoff).',
    };
  }

  for (const re of SERVER_TYPE) {
    const hit = find(re);
    if (hit === undefined) continue;
    const serverType = re.exec(hit)?.[1] ?? ctx.serverType;
    const suggested = successorServerType(serverType);
    const place = ctx.location ? ` in ${ctx.location}` : '';
    const type = serverType ? `server type ${serverType}` : 'the configured server type';
    return {
      kind: 'server_type_unavailable',
      detail,
      ...(serverType ? { serverType } : {}),
      suggestedServerType: suggested,
      message:
        `Hetzner does not offer ${type}${place} (${detail}). ` +
        `Set ${serverTypeSetting(ctx)} in prenv.yml to a type that is offered there, e.g. ${suggested}, ` +
        "or change hetzner.location; `prenv doctor` checks both against Hetzner's API.",
    };
  }

  if (find(NETWORK) !== undefined) {
    return {
      kind: 'network',
      detail,
      message:
        `terraform ${ctx.command}${where(ctx)} could not reach a remote service (${detail}). ` +
        'Check DNS and network access to the Hetzner API and the state bucket, then retry.',
    };
  }

  const code = ev.exitCode === undefined ? '' : ` with exit code ${ev.exitCode}`;
  return {
    kind: 'unknown',
    detail,
    message:
      `terraform ${ctx.command}${where(ctx)} failed${code}: ${detail || 'no error message'}. ` +
      'See the log for the full output.',
  };
}

/** The executable could not be started at all (missing, not executable). */
export function spawnFailure(bin: string, reason: string): TerraformFailure {
  return {
    kind: 'unknown',
    detail: reason,
    message:
      `Could not run terraform at "${bin}" (${reason}). ` +
      'Install Terraform or point PRENV_TERRAFORM_BIN at it.',
  };
}

function lastLine(s: string): string {
  const lines = s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines[lines.length - 1] ?? '';
}
