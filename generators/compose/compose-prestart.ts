import { prenvName } from './compose-values.js';
import { convertEnvironment, type AddressBook, type LiteralSecrets } from './compose-env.js';
import type { LiteralSecretNames } from './compose-secrets.js';
import { REASONS, SERVICE_REASONS, type DroppedKey } from './dropped-keys.js';
import type { ComposeInput } from './compose-input.js';
import { commandOf, imageOf, resourcesOf, type ComposeService } from './compose-service.js';
import { envFileSecretRefs, withEnvFiles } from './compose-env-files.js';

/** The parts of the import's result a prestart task adds to (see `ComposeImport`). */
interface PrestartResult {
  dropped: DroppedKey[];
  notes: string[];
  secrets: { service: string; name: string; reason: string }[];
}

/**
 * A one-shot Compose service (run to completion before the services that depend on it) as a
 * prenv prestart task: image, command, environment (secrets by name, never their values) and
 * resources. Every other key is reported in `result.dropped`, and what the conversion noticed
 * in `result.notes`.
 */
export function prestartTask(
  n: string,
  svc: ComposeService,
  book: AddressBook,
  input: ComposeInput,
  image: string,
  result: PrestartResult,
  secretNames: LiteralSecretNames,
): Record<string, unknown> {
  const at = `services.${n}`;
  const task: Record<string, unknown> = { image: imageOf(svc, image, at, result.dropped) };
  const name = prenvName(n);
  const say = (text: string) => result.notes.push(`${name}: ${text}`);
  const literals: LiteralSecrets = { service: name, names: secretNames };
  const env = convertEnvironment(
    withEnvFiles(n, svc, input, result.dropped, say),
    book,
    [...(input.secretRefs ?? []), ...envFileSecretRefs(n, input)],
    literals,
  );
  if (Object.keys(env.env).length > 0) task.env = env.env;
  if (env.secrets.length > 0) task.secrets = env.secrets.map((s) => s.name);
  env.secrets.forEach((s) => result.secrets.push({ service: name, ...s }));
  env.notes.forEach((line) => result.notes.push(`${name}: ${line}`));
  Object.assign(task, commandOf(svc));
  const resources = resourcesOf(svc, at, result.dropped);
  if (resources.resources) task.resources = resources.resources;
  for (const key of Object.keys(svc)) {
    if (
      [
        'env_file',
        'image',
        'build',
        'environment',
        'command',
        'entrypoint',
        'deploy',
        'depends_on',
        'restart',
      ].includes(key)
    )
      continue;
    if (key.startsWith('x-')) continue;
    result.dropped.push({
      path: `${at}.${key}`,
      reason: `${SERVICE_REASONS[key] ?? REASONS.unsupported} (a one-shot task carries image, command, environment and resources)`,
    });
  }
  return task;
}
