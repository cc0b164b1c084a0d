import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TemplateSources } from '../../../generators/templates.js';
import { PACKAGE_ROOT } from '../system/package-root.js';

/** The repository root, where `nomad/` and `caddy/` live. */
export const DEFAULT_TEMPLATE_ROOT = PACKAGE_ROOT;

const TEMPLATE_DIRS = ['nomad', 'caddy'] as const;

/** Reads every `*.hbs` file of `nomad/` and `caddy/` under `root`, keyed as `nomad/<file>`. */
export async function loadTemplates(
  root: string = DEFAULT_TEMPLATE_ROOT,
): Promise<TemplateSources> {
  const sources: TemplateSources = {};
  for (const dir of TEMPLATE_DIRS) {
    const names = (await readdir(path.join(root, dir))).filter((n) => n.endsWith('.hbs')).sort();
    for (const name of names) {
      sources[`${dir}/${name}`] = await readFile(path.join(root, dir, name), 'utf8');
    }
  }
  return sources;
}
