import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export type ToolName = 'caddy' | 'consul' | 'terraform-config-inspect';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const toolsBin = path.join(repoRoot, '.tools', 'bin');

/**
 * Path of a test tool installed by scripts/install-test-tools.sh.
 * Throws (never skips) when it is missing, saying how to install it.
 */
export function requireTool(name: ToolName): string {
  const file = path.join(toolsBin, name);
  if (!existsSync(file)) {
    throw new Error(
      `${name} is not installed at ${file}. Run \`bash scripts/install-test-tools.sh\` ` +
        '(or `npm test`, which runs it first).',
    );
  }
  return file;
}
