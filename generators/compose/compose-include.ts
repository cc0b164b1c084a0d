/**
 * Compose files that bring in other files: top-level `include` and `extends: { file }`
 * (compose-spec 14-include.md and 05-services.md "extends"). Reading the files is the
 * caller's; this module merges documents already parsed and interpolated, each file on its own
 * as Compose does, and rewrites the relative paths of what it brings in so that they stay
 * relative to the including file.
 */
import path from 'node:path/posix';
import { mergeEnvironment, resolveExtends, type ComposeService } from './compose-service.js';

/** One `include` entry: the files it names (merged in order) and the env files for them. */
export interface IncludeEntry {
  paths: string[];
  projectDirectory?: string;
  envFiles: string[];
}

/** `include:` items: a path, or `{ path: string | string[], project_directory?, env_file? }`. */
export function includeEntries(value: unknown): IncludeEntry[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item): IncludeEntry[] => {
    if (typeof item === 'string') return [{ paths: [item], envFiles: [] }];
    if (!item || typeof item !== 'object') return [];
    const o = item as { path?: unknown; project_directory?: unknown; env_file?: unknown };
    const list = (v: unknown) =>
      Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];
    return [
      {
        paths: list(o.path),
        ...(typeof o.project_directory === 'string'
          ? { projectDirectory: o.project_directory }
          : {}),
        envFiles: list(o.env_file),
      },
    ];
  });
}

/** `p` written in folder `dir`, as a path relative to the including file (`./` kept: Compose reads a bind mount by it). */
function relative(dir: string, p: string): string {
  if (dir === '.' || path.isAbsolute(p) || p.startsWith('~')) return p;
  const joined = path.normalize(path.join(dir, p));
  return joined.startsWith('../') ? joined : `./${joined}`;
}
const isHostPath = (p: string) => p.startsWith('.') || p.startsWith('/') || p.startsWith('~');

/**
 * A service from a file in folder `dir` (relative to the including file), with its
 * `env_file`s, `build` context and bind-mount sources made relative to the including file.
 */
export function rebaseService(svc: ComposeService, dir: string): ComposeService {
  if (dir === '.') return svc;
  const out: ComposeService = { ...svc };
  if (out.env_file !== undefined) {
    const items = Array.isArray(out.env_file) ? out.env_file : [out.env_file];
    const moved = items.map((item: unknown) =>
      typeof item === 'string'
        ? relative(dir, item)
        : { ...(item as object), path: relative(dir, String((item as { path?: unknown }).path)) },
    );
    out.env_file = Array.isArray(out.env_file) ? moved : moved[0];
  }
  const ext = out.extends as { file?: unknown } | undefined;
  if (ext && typeof ext === 'object' && typeof ext.file === 'string') {
    out.extends = { ...ext, file: relative(dir, ext.file) };
  }
  if (typeof out.build === 'string') out.build = relative(dir, out.build);
  else if (out.build && typeof out.build === 'object') {
    const b = out.build as { context?: unknown };
    if (typeof b.context === 'string') out.build = { ...b, context: relative(dir, b.context) };
  }
  if (Array.isArray(out.volumes)) {
    out.volumes = out.volumes.map((v: unknown) => {
      if (typeof v === 'string') {
        const [source = '', ...rest] = v.split(':');
        return isHostPath(source) ? [relative(dir, source), ...rest].join(':') : v;
      }
      const long = v as { type?: unknown; source?: unknown };
      return long && long.type === 'bind' && typeof long.source === 'string'
        ? { ...long, source: relative(dir, long.source) }
        : v;
    });
  }
  return out;
}

/** A file brought in by `include`, parsed and interpolated, and its folder relative to the includer. */
export interface IncludedFile {
  file: string;
  dir: string;
  doc: Record<string, unknown>;
}

const MERGED = ['services', 'volumes', 'networks', 'secrets', 'configs'] as const;

/**
 * The including document with the top-level maps of every included file added and `include`
 * removed. A name that two files define is a problem, as in Compose ("include" does not
 * override: compose-spec 14-include.md).
 */
export function mergeIncluded(
  main: Record<string, unknown>,
  files: readonly IncludedFile[],
): { doc: Record<string, unknown>; problems: { path: (string | number)[]; message: string }[] } {
  const { include: _, ...doc } = main;
  const problems: { path: (string | number)[]; message: string }[] = [];
  for (const key of MERGED) {
    const into: Record<string, unknown> = { ...((doc[key] as Record<string, unknown>) ?? {}) };
    for (const f of files) {
      for (const [name, value] of Object.entries((f.doc[key] as Record<string, unknown>) ?? {})) {
        if (name in into) {
          problems.push({
            path: ['include'],
            message: `${key}.${name} is defined both here and in the included ${f.file}; Compose refuses that`,
          });
          continue;
        }
        into[name] =
          key === 'services' ? rebaseService((value ?? {}) as ComposeService, f.dir) : value;
      }
    }
    if (Object.keys(into).length > 0 || doc[key] !== undefined) doc[key] = into;
  }
  return { doc, problems };
}

/**
 * `extends: { file, service }`: the base service of the other file (its own in-file
 * `extends` resolved, paths made relative to the including file) under the service's own
 * keys, `environment` merged by key, as resolveExtends does within one file.
 */
export function extendFromFile(
  svc: ComposeService,
  baseServices: Record<string, ComposeService>,
  base: string,
  dir: string,
): ComposeService | undefined {
  const resolved = resolveExtends(baseServices)[base];
  if (!resolved) return undefined;
  const parent = rebaseService(resolved, dir);
  const { extends: _, ...own } = svc;
  const environment = mergeEnvironment(parent.environment, own.environment);
  const merged: ComposeService = { ...parent, ...own, ...(environment ? { environment } : {}) };
  delete merged.container_name;
  return merged;
}
