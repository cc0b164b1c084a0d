import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parseConfig } from '../../bot/config/load.js';
import type { EnvContext } from '../../generators/env-context.js';
import { RenderError } from '../../generators/errors.js';
import { renderEnvironment } from '../../generators/render-environment.js';
import type { TemplateSources } from '../../generators/templates.js';
import { repoTemplates } from '../generators/render-support.js';
import { repoRoot } from '../support/tools.js';

// The class behind "tls.ask holding } is an unexpected error": every prenv.yml string that
// reaches a rendered file is either refused by the schema (a config error at its key) or
// renders. A RenderError is fine too (it names the key); any other exception is a bug.

const base = `${readFileSync(path.join(repoRoot, 'examples/aipacto/prenv.yml'), 'utf8')}jobs:
  backup:
    cron: '0 3 * * *'
    image: postgres:16
    command: pg_dump
    environments: [production, staging, pr]
`;

const KEYS: (string | number)[][] = [
  ['project'],
  ['domain'],
  ['github', 'owner'],
  ['github', 'repo'],
  ['hetzner', 'server_type'],
  ['hetzner', 'preview_server_type'],
  ['previews', 'host'],
  ['environments', 'production', 'host'],
  ['environments', 'staging', 'host'],
  ['tls', 'ask'],
  ['consul', 'dns'],
  ['consul', 'kv_prefix'],
  ['services', 'web', 'image'],
  ['services', 'web', 'command'],
  ['services', 'web', 'health'],
  ['services', 'web', 'route', 'path'],
  ['services', 'web', 'route', 'timeout'],
  ['services', 'web', 'route', 'max_body'],
  ['services', 'server', 'env', 'NODE_ENV'],
  ['jobs', 'backup', 'cron'],
  ['jobs', 'backup', 'command'],
];

/** Pieces that are close to valid values, and the characters that break Caddy and HCL. */
const PIECES = [
  'a',
  'pr',
  '-',
  '.',
  '/',
  ':',
  '1',
  '8080',
  '.com',
  'aipacto',
  'http://',
  '{{number}}',
  '{{sha}}',
  '{',
  '}',
  '"',
  '`',
  "'",
  '\\',
  ' ',
  '\t',
  '\n',
  '#',
  '$',
  '${',
  '%{',
  '*',
  'é',
  '\u2028',
  '\u0000',
  'L',
];
const value = fc.array(fc.constantFrom(...PIECES), { maxLength: 10 }).map((p) => p.join(''));

const CONTEXTS: EnvContext[] = [
  { kind: 'pr', number: 7, sha: 'abc1234', branch: 'main', title: 'A title' },
  { kind: 'staging', sha: 'abc1234' },
  { kind: 'production', sha: 'abc1234' },
];

let templates: TemplateSources;
beforeAll(async () => {
  templates = await repoTemplates();
});

describe('a prenv.yml value is refused at its key or renders', () => {
  it.each(KEYS.map((k) => [k.join('.'), k] as const))('%s', (_, key) => {
    fc.assert(
      fc.property(value, (text) => {
        const doc = parseDocument(base);
        doc.setIn(key, text);
        const parsed = parseConfig(doc.toString(), 'prenv.yml');
        if (!parsed.ok) return;
        for (const ctx of CONTEXTS) {
          try {
            renderEnvironment(parsed.config, ctx, templates);
          } catch (err) {
            if (!(err instanceof RenderError)) throw err;
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
