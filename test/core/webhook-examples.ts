import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface Definition {
  name: string;
  examples: Array<Record<string, unknown>>;
}

const file = createRequire(import.meta.url).resolve('@octokit/webhooks-examples');
const definitions = JSON.parse(readFileSync(file, 'utf8')) as Definition[];

/** A deep copy of GitHub's example payload for `name` with the given `action`. */
export function example(name: string, action: string): Record<string, unknown> {
  const found = definitions
    .find((d) => d.name === name)
    ?.examples.find((e) => e['action'] === action);
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${name}.${action} example`);
  return structuredClone(found);
}

export function actionsWithExamples(name: string): string[] {
  const def = definitions.find((d) => d.name === name);
  return [...new Set(def?.examples.map((e) => String(e['action'])) ?? [])];
}
