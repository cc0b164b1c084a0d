import path from 'node:path';
import type { TemplateSources } from '../../generators/templates.js';
import { loadTemplates } from '../adapters/templates/load-templates.js';
import type { CliContext } from './context.js';
import { CliError, ExitCode } from './exit-codes.js';

/**
 * The templates: prenv's own, or the folder `PRENV_TEMPLATES` names (holding `nomad/` and
 * `caddy/`). A folder that cannot be read is a settings error naming the variable (exit 3).
 */
export async function loadCliTemplates(ctx: CliContext): Promise<TemplateSources> {
  const dir = ctx.env.PRENV_TEMPLATES;
  if (!dir) return loadTemplates();
  const root = path.resolve(ctx.cwd, dir);
  try {
    return await loadTemplates(root);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === undefined) throw err;
    throw new CliError(
      `PRENV_TEMPLATES=${dir}: cannot read ${e.path ?? root} (${e.code}): point it at a folder holding nomad/ and caddy/ templates, or unset it to use prenv's own`,
      ExitCode.config,
    );
  }
}
