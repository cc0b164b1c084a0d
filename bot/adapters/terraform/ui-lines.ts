import type { ChangeCounts, ProgressEvent, ProgressType } from './types.js';

/*
 * Terraform's machine-readable UI (`-json`): one JSON object per line with `@level`,
 * `@message`, `@module`, `@timestamp` and `type`; the first line has type `version`.
 * Unknown types and unknown keys are tolerated, as the format asks.
 */

export interface Diagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail: string;
  address?: string;
}

export interface OutputValue {
  value: unknown;
  sensitive: boolean;
}

export interface ParsedLine {
  event: ProgressEvent;
  diagnostic?: Diagnostic;
  outputs?: Record<string, OutputValue>;
}

const KNOWN_TYPES = new Set<string>([
  'version',
  'log',
  'diagnostic',
  'resource_drift',
  'planned_change',
  'change_summary',
  'outputs',
  'apply_start',
  'apply_progress',
  'apply_complete',
  'apply_errored',
  'provision_start',
  'provision_progress',
  'provision_complete',
  'provision_errored',
  'refresh_start',
  'refresh_complete',
]);

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

function level(v: unknown): ProgressEvent['level'] {
  if (v === 'error') return 'error';
  if (v === 'warn' || v === 'warning') return 'warn';
  return 'info';
}

function resourceOf(holder: unknown): { resource?: string; action?: string } {
  if (!isObject(holder)) return {};
  const resource = isObject(holder.resource) ? str(holder.resource.addr) : undefined;
  const action = str(holder.action);
  return { ...(resource ? { resource } : {}), ...(action ? { action } : {}) };
}

function changeCounts(v: unknown): (ChangeCounts & { operation: string }) | undefined {
  if (!isObject(v)) return undefined;
  return {
    add: num(v.add) ?? 0,
    change: num(v.change) ?? 0,
    destroy: num(v.remove) ?? 0,
    operation: str(v.operation) ?? 'unknown',
  };
}

function diagnosticOf(v: unknown): Diagnostic | undefined {
  if (!isObject(v)) return undefined;
  const address = str(v.address);
  return {
    severity: v.severity === 'error' ? 'error' : 'warning',
    summary: str(v.summary) ?? '',
    detail: str(v.detail) ?? '',
    ...(address ? { address } : {}),
  };
}

function outputsOf(v: unknown): Record<string, OutputValue> | undefined {
  if (!isObject(v)) return undefined;
  return Object.fromEntries(
    Object.entries(v).map(([name, o]) => [
      name,
      { value: isObject(o) ? o.value : undefined, sensitive: isObject(o) && o.sensitive === true },
    ]),
  );
}

function textLine(line: string): ParsedLine {
  return { event: { type: 'log', level: 'info', message: line } };
}

/** A human-readable line (e.g. from `init`, or a crash message) becomes a log event. */
export function parseTextLine(line: string): ParsedLine | undefined {
  const trimmed = line.trimEnd();
  return trimmed.trim() ? textLine(trimmed) : undefined;
}

/** Parses one stdout line; `undefined` for blank lines. */
export function parseUiLine(line: string): ParsedLine | undefined {
  const trimmed = line.trim();
  if (!trimmed) return undefined;
  if (!trimmed.startsWith('{')) return textLine(trimmed);
  let raw: unknown;
  try {
    raw = JSON.parse(trimmed);
  } catch {
    return textLine(trimmed);
  }
  if (!isObject(raw)) return textLine(trimmed);

  const rawType = str(raw.type) ?? '';
  const type: ProgressType = KNOWN_TYPES.has(rawType) ? (rawType as ProgressType) : 'other';
  const event: ProgressEvent = {
    type,
    level: level(raw['@level']),
    message: str(raw['@message']) ?? '',
  };
  const timestamp = str(raw['@timestamp']);
  if (timestamp) event.timestamp = timestamp;

  const parsed: ParsedLine = { event };
  if (isObject(raw.hook)) {
    Object.assign(event, resourceOf(raw.hook));
    const elapsed = num(raw.hook.elapsed_seconds);
    if (elapsed !== undefined) event.elapsedSeconds = elapsed;
  } else if (isObject(raw.change)) {
    Object.assign(event, resourceOf(raw.change));
  }
  if (type === 'change_summary') {
    const changes = changeCounts(raw.changes);
    if (changes) event.changes = changes;
  }
  if (type === 'diagnostic') {
    const diagnostic = diagnosticOf(raw.diagnostic);
    if (diagnostic) {
      parsed.diagnostic = diagnostic;
      event.diagnostic = { ...diagnostic };
    }
  }
  if (type === 'outputs') {
    const outputs = outputsOf(raw.outputs);
    if (outputs) parsed.outputs = outputs;
  }
  return parsed;
}

/**
 * Diagnostics as Terraform prints them without `-json` and with `-no-color`
 * (`Error: <summary>`, a blank line, then the detail).
 */
export function parsePlainDiagnostics(text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const blocks = text.split(/^(?=(?:Error|Warning): )/m);
  for (const block of blocks) {
    const m = /^(Error|Warning): (.*)\n?([\s\S]*)$/.exec(block);
    if (!m) continue;
    out.push({
      severity: m[1] === 'Error' ? 'error' : 'warning',
      summary: (m[2] ?? '').trim(),
      detail: (m[3] ?? '').trim(),
    });
  }
  return out;
}

/** What a whole run's stdout adds up to. */
export interface RunDigest {
  diagnostics: Diagnostic[];
  /** Last `change_summary` seen, by operation (`plan`, `apply`, `destroy`). */
  summaries: Record<string, ChangeCounts>;
  outputs?: Record<string, OutputValue>;
  /** Every `planned_change`: resource address and action (`create`, `update`, `replace`…). */
  plannedChanges: { address: string; action: string }[];
}

export function emptyDigest(): RunDigest {
  return { diagnostics: [], summaries: {}, plannedChanges: [] };
}

export function foldLine(digest: RunDigest, line: ParsedLine): RunDigest {
  const next: RunDigest = { ...digest };
  if (line.diagnostic) next.diagnostics = [...digest.diagnostics, line.diagnostic];
  const c = line.event.changes;
  if (c) {
    next.summaries = {
      ...digest.summaries,
      [c.operation]: { add: c.add, change: c.change, destroy: c.destroy },
    };
  }
  if (line.outputs) next.outputs = line.outputs;
  const { type, resource, action } = line.event;
  if (type === 'planned_change' && resource && action) {
    next.plannedChanges = [...digest.plannedChanges, { address: resource, action }];
  }
  return next;
}
