import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfigOrThrow } from '../../bot/config/load.js';
import type { Config } from '../../bot/config/config.js';
import { loadTemplates } from '../../bot/adapters/templates/load-templates.js';
import type { EnvContext } from '../../generators/env-context.js';
import type { TemplateSources } from '../../generators/templates.js';
import { repoRoot } from '../support/tools.js';

export const EXAMPLES = ['aipacto', 'quetrex', 'leap'] as const;

export const SHA = '3f2c9a1';

/** The environments every example is rendered for, keyed by their folder under golden/. */
export const GOLDEN_CONTEXTS: Record<string, EnvContext> = {
  production: { kind: 'production', sha: SHA },
  staging: { kind: 'staging', sha: SHA },
  'pr-7': { kind: 'pr', number: 7, sha: SHA, branch: 'feature/login', title: 'Add the login page' },
};

export function exampleConfig(name: string): Config {
  const file = path.join(repoRoot, 'examples', name, 'prenv.yml');
  return loadConfigOrThrow(readFileSync(file, 'utf8'), `examples/${name}/prenv.yml`);
}

export function configFromYaml(text: string): Config {
  return loadConfigOrThrow(text, 'prenv.yml');
}

let templates: Promise<TemplateSources> | undefined;

export function repoTemplates(): Promise<TemplateSources> {
  templates ??= loadTemplates();
  return templates;
}
