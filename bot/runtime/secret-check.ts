import type { ConsulKv } from '../adapters/consul/client.js';
import type { RenderedFile } from '../../generators/render-environment.js';
import { requiredSecretKeys } from '../../generators/nomad/secret-keys.js';

/** Secrets the jobs read that Consul KV does not hold: submitting would wait until a timeout. */
export class MissingSecretsError extends Error {
  constructor(
    readonly env: string,
    readonly keys: string[],
  ) {
    super(
      `${env} reads ${keys.length === 1 ? 'a secret' : `${keys.length} secrets`} missing from Consul KV: ${keys.join(', ')}. ` +
        `Nothing was submitted. Write ${keys.length === 1 ? 'it' : 'each'} first, e.g. \`consul kv put ${keys[0]} <value>\` ` +
        '(or remove the name from `secrets` in prenv.yml).',
    );
    this.name = 'MissingSecretsError';
  }
}

/**
 * Throws MissingSecretsError naming every KV key the rendered jobs read (`key "…"`) that does
 * not exist, before anything is submitted. One keys-only listing per folder: no value is read. `kv` absent: nothing to check against (tests, no Consul), so no check.
 */
export async function requireSecrets(
  kv: Pick<ConsulKv, 'keys'> | undefined,
  env: string,
  files: readonly RenderedFile[],
): Promise<void> {
  if (!kv) return;
  const keys = requiredSecretKeys(files);
  const folders = [...new Set(keys.map((k) => k.slice(0, k.lastIndexOf('/') + 1)))];
  const present = new Set<string>();
  for (const folder of folders) for (const key of await kv.keys(folder)) present.add(key);
  const missing = keys.filter((k) => !present.has(k));
  if (missing.length > 0) throw new MissingSecretsError(env, missing);
}
