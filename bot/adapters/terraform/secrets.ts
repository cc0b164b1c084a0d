import type { TfVars } from './types.js';

/** Environment variables whose values never leave the driver unredacted. */
export const SECRET_ENV_NAMES = [
  'HCLOUD_TOKEN',
  'TF_VAR_hcloud_token',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
] as const;

const SECRET_NAME = /token|secret|password|passwd|private_key|access_key|api_key|encrypt_key/i;

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

/**
 * Every value to redact from what the driver logs, reports or throws: the well-known
 * credential variables, any `TF_VAR_*` or Terraform variable whose name looks secret,
 * and the values the caller names.
 */
export function collectSecrets(
  env: Readonly<Record<string, string | undefined>>,
  vars: TfVars,
  extra: Iterable<string> = [],
): string[] {
  const out = new Set<string>();
  const add = (v: string | undefined) => {
    if (v) out.add(v);
  };
  for (const name of SECRET_ENV_NAMES) add(env[name]);
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith('TF_VAR_') && SECRET_NAME.test(name)) add(value);
  }
  for (const [name, value] of Object.entries(vars)) {
    if (SECRET_NAME.test(name)) stringsIn(value).forEach(add);
  }
  for (const v of extra) add(v);
  return [...out];
}
