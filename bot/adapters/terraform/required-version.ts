import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';

/** One `required_version` constraint of a Terraform file, e.g. `>= 1.6` in environments/pr/main.tf. */
export interface RequiredVersion {
  constraint: string;
  /** Relative to the folder that was searched. */
  file: string;
}

const REQUIRED_VERSION = /^\s*required_version\s*=\s*"([^"]*)"/gm;

/** Every `required_version` in the `.tf` files under `root` (`.terraform/` skipped), sorted by file. */
export async function readRequiredVersions(root: string): Promise<RequiredVersion[]> {
  const found: RequiredVersion[] = [];
  const visit = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && !entry.name.startsWith('.')) await visit(full);
      else if (entry.isFile() && entry.name.endsWith('.tf')) {
        const text = await readFile(full, 'utf8');
        for (const m of text.matchAll(REQUIRED_VERSION))
          found.push({ constraint: m[1]!.trim(), file: path.relative(root, full) });
      }
    }
  };
  await visit(root);
  return found.sort((a, b) => a.file.localeCompare(b.file));
}

/**
 * Whether `version` meets a Terraform version constraint ("a comma-separated list of
 * conditions": `=`, `!=`, `>`, `>=`, `<`, `<=`, `~>`; developer.hashicorp.com/terraform/language/
 * expressions/version-constraints). semver compares; only `~>` and `!=` need translating, since
 * Terraform's `~> 1.6` allows 1.x from 1.6 on, where semver's tilde would stop at 1.7.
 * Returns null when the constraint cannot be read.
 */
export function meetsTerraformConstraint(version: string, constraint: string): boolean | null {
  const v = semver.coerce(version, { includePrerelease: true });
  if (!v) return null;
  for (const raw of constraint.split(',')) {
    const m = /^\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+){0,2}(?:-[\w.]+)?)\s*$/.exec(raw);
    if (!m) return null;
    const op = m[1] ?? '=';
    const parts = m[2]!.split('-')[0]!.split('.');
    const target = semver.coerce(m[2]!);
    if (!target) return null;
    let ok: boolean;
    if (op === '~>') {
      // ~> 1.6 → >= 1.6.0 < 2.0.0; ~> 1.6.3 → >= 1.6.3 < 1.7.0 (the rightmost part may grow).
      const upper =
        parts.length >= 3 ? `${target.major}.${target.minor + 1}.0` : `${target.major + 1}.0.0`;
      ok = semver.gte(v, target) && semver.lt(v, upper);
    } else if (op === '!=') ok = !semver.eq(v, target);
    else ok = semver.satisfies(v, `${op}${target.version}`);
    if (!ok) return false;
  }
  return true;
}
