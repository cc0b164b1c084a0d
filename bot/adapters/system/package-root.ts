import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding prenv's package.json, `nomad/`, `caddy/` and `terraform/`: two levels
 * above `bot/` when run from source, three when run from the compiled `dist/bot/`.
 */
export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'nomad'))) {
      return dir;
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`cannot find prenv's package root above ${start}`);
    }
  }
}
