import { environmentEntries } from './compose-env.js';
import type { ComposeService } from './compose-service.js';
import { REASONS, type DroppedKey } from './dropped-keys.js';
import type { ComposeInput } from './compose-input.js';
import { isSecretVariable, type SecretRef } from './interpolate-compose.js';

/**
 * A service's `environment` with its `env_file` variables under it (Compose: `environment`
 * wins). A variable whose name says it is a secret, or whose value holds a password, becomes
 * `{{secret.NAME}}`: its value stays in the env file, to be stored in Consul KV.
 */
export function withEnvFiles(
  n: string,
  svc: ComposeService,
  input: ComposeInput,
  dropped: DroppedKey[],
  say: (text: string) => void,
): unknown {
  for (const m of (input.missingEnvFiles ?? []).filter((x) => x.service === n)) {
    dropped.push({
      path: `services.${n}.env_file`,
      reason: `${m.file}: ${REASONS.envFileMissing}`,
    });
  }
  const files = input.envFiles?.[n] ?? [];
  if (files.length === 0) return svc.environment;
  const merged: Record<string, string | undefined> = {};
  for (const f of files) {
    for (const [key, value] of Object.entries(f.values)) {
      merged[key] = isSecretVariable(key, value) ? `{{secret.${key}}}` : value;
    }
    say(
      `env_file ${f.file}: ${Object.keys(f.values).length} variable(s) carried into env; secret ones are listed under secrets and their values stay in the file`,
    );
  }
  return Object.fromEntries([...Object.entries(merged), ...environmentEntries(svc.environment)]);
}

export function envFileSecretRefs(n: string, input: ComposeInput): SecretRef[] {
  return (input.envFiles?.[n] ?? []).flatMap((f) =>
    Object.entries(f.values)
      .filter(([key, value]) => isSecretVariable(key, value))
      .map(([key]) => ({ service: n, key, variable: key, why: 'env-file' as const })),
  );
}
