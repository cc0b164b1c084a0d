/** Small readers for loosely typed JSON (webhook payloads): a missing field is `undefined`, never a throw. */

export type Json = Record<string, unknown>;

export function obj(value: unknown, key: string): Json | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = (value as Json)[key];
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

export function str(value: unknown, key: string): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = (value as Json)[key];
  return typeof v === 'string' ? v : undefined;
}

export function num(value: unknown, key: string): number | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = (value as Json)[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function bool(value: unknown, key: string): boolean | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = (value as Json)[key];
  return typeof v === 'boolean' ? v : undefined;
}

export function has(value: unknown, key: string): boolean {
  if (!value || typeof value !== 'object') return false;
  const v = (value as Json)[key];
  return v !== undefined && v !== null;
}
