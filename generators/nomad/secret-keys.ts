import type { RenderedFile } from '../render-environment.js';

/**
 * consul-template's `key "<path>"` (runtime-env.ts writes every secret read that way, in the
 * env file and in each secret's own file): a `key` blocks the task until the path exists, so
 * these are the keys a deploy waits for.
 */
const KEY_CALL = /\bkey\s+"((?:[^"\\]|\\.)*)"/g;

/** Every Consul KV path the rendered Nomad jobs read with `key`, sorted, each once. */
export function requiredSecretKeys(files: readonly RenderedFile[]): string[] {
  const keys = new Set<string>();
  for (const file of files) {
    if (file.kind !== 'nomad-job') continue;
    for (const m of file.content.matchAll(KEY_CALL)) keys.add(JSON.parse(`"${m[1]!}"`) as string);
  }
  return [...keys].sort();
}
