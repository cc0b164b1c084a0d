import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  extendFromFile,
  includeEntries,
  mergeIncluded,
  type IncludedFile,
} from '../../../generators/compose/compose-include.js';
import type { ComposeService } from '../../../generators/compose/compose-service.js';
import {
  formatComposeProblem,
  parseComposeYaml,
  type ComposeSource,
} from '../../../generators/compose/compose-yaml.js';
import { parseDotEnv } from '../../../generators/compose/interpolate.js';
import {
  interpolateCompose,
  type InterpolatedCompose,
} from '../../../generators/compose/interpolate-compose.js';

/** What reading `include` and `extends: { file }` adds, and the problems found, each as `file:line:col: …`. */
export interface BroughtIn {
  doc: Record<string, unknown>;
  secretRefs: InterpolatedCompose['secretRefs'];
  unset: InterpolatedCompose['unset'];
  errors: string[];
}

const MAX_DEPTH = 8;

/**
 * Follows the top-level `include` of a Compose document (recursively) and every service's
 * `extends: { file }`, as Compose does: each file is parsed and interpolated on its own, with
 * the `.env` of its folder (or the include's `env_file`s) under the including file's
 * variables, and its relative paths are made relative to `composeFile`.
 */
export async function readIncluded(
  composeFile: string,
  doc: Record<string, unknown>,
  variables: Readonly<Record<string, string>>,
): Promise<BroughtIn> {
  const out: BroughtIn = { doc, secretRefs: [], unset: [], errors: [] };
  const root = path.dirname(composeFile);
  const load = async (
    file: string,
    vars: Readonly<Record<string, string>>,
    from: string,
  ): Promise<Record<string, unknown> | undefined> => {
    const shown = path.relative(root, file) || path.basename(file);
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) {
      out.errors.push(`${from}: cannot read the Compose file ${shown}`);
      return undefined;
    }
    const parsed = parseComposeYaml(text, shown);
    if (!parsed.ok) {
      out.errors.push(...parsed.problems.map(formatComposeProblem));
      return undefined;
    }
    const interpolated = interpolateCompose(parsed.source.value, vars);
    at(parsed.source, interpolated.problems).forEach((e) => out.errors.push(e));
    out.secretRefs.push(...interpolated.secretRefs);
    out.unset.push(...interpolated.unset);
    const value = interpolated.value;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  };

  const expand = async (
    current: Record<string, unknown>,
    dir: string,
    depth: number,
  ): Promise<Record<string, unknown>> => {
    if (current.include === undefined) return current;
    if (depth > MAX_DEPTH) {
      out.errors.push(`${dir}: include is nested more than ${MAX_DEPTH} files deep`);
      return current;
    }
    const files: IncludedFile[] = [];
    for (const entry of includeEntries(current.include)) {
      for (const p of entry.paths) {
        const file = path.resolve(root, dir, p);
        const projectDir = path.resolve(root, dir, entry.projectDirectory ?? path.dirname(p));
        const envFiles = entry.envFiles.length
          ? entry.envFiles.map((f) => path.resolve(root, dir, f))
          : [path.join(projectDir, '.env')];
        const own: Record<string, string> = {};
        for (const f of envFiles) {
          const text = await readFile(f, 'utf8').catch(() => undefined);
          if (text !== undefined) Object.assign(own, parseDotEnv(text, own));
        }
        const loaded = await load(
          file,
          { ...own, ...variables },
          dir === '.' ? 'include' : `include of a file in ${dir}`,
        );
        if (!loaded) continue;
        const rel = path.relative(root, path.dirname(file)).split(path.sep).join('/') || '.';
        files.push({
          file: path.relative(root, file),
          dir: rel,
          doc: await expand(loaded, rel, depth + 1),
        });
      }
    }
    const merged = mergeIncluded(current, files);
    merged.problems.forEach((p) => out.errors.push(`${dir}: ${p.message}`));
    return merged.doc;
  };

  const expanded = await expand(doc, '.', 0);
  const services = { ...((expanded.services as Record<string, ComposeService>) ?? {}) };
  for (const [name, svc] of Object.entries(services)) {
    const ext = svc?.extends as { file?: unknown; service?: unknown } | undefined;
    if (!ext || typeof ext !== 'object' || typeof ext.file !== 'string') continue;
    const file = path.resolve(root, ext.file);
    const base = await load(file, variables, `services.${name}.extends.file`);
    if (!base) continue;
    const rel = path.relative(root, path.dirname(file)).split(path.sep).join('/') || '.';
    const merged = extendFromFile(
      svc,
      (base.services as Record<string, ComposeService>) ?? {},
      String(ext.service),
      rel,
    );
    if (merged) services[name] = merged;
    else
      out.errors.push(
        `${ext.file}: no service ${String(ext.service)} for services.${name}.extends`,
      );
  }
  out.doc = { ...expanded, ...(expanded.services ? { services } : {}) };
  return out;
}

function at(
  source: ComposeSource,
  problems: readonly { path: (string | number)[]; message: string }[],
): string[] {
  return problems.map((p) =>
    formatComposeProblem({
      file: source.file,
      ...source.positionOf(p.path),
      path: p.path.join('.'),
      message: p.message,
    }),
  );
}
