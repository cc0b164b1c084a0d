import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { Config } from '../config/config.js';
import { PACKAGE_ROOT } from '../adapters/system/package-root.js';
import { makeDirs } from '../adapters/system/make-dirs.js';

/**
 * The validated prenv.yml of the last run, so a read command that finds the file unchanged
 * skips YAML parsing and the schema (loading zod and yaml alone is most of `prenv list`'s
 * start-up). An entry is used only when its key matches: a hash of the file's exact text and
 * of everything validation depends on (`validatorFingerprint`), so an edited file, another
 * prenv version or another zod, yaml or croner is validated again. Only valid configs are
 * kept: an invalid one is always parsed, so its problems keep their paths and lines. Any
 * trouble with the folder (missing, not writable, a file in the way, a corrupt entry) means
 * no cache, never an error.
 */

/** Bumped when the entry's shape changes. */
const FORMAT = 'prenv-config-cache/1';
/** Entries kept (one per prenv.yml path); the oldest beyond this go when one is written. */
export const MAX_ENTRIES = 100;

/**
 * The folder entries live in: `PRENV_CACHE_DIR` (`off` turns the cache off), else
 * `$XDG_CACHE_HOME/prenv`, else `$HOME/.cache/prenv` (the XDG Base Directory default); null
 * when none is set.
 */
export function configCacheDir(env: Record<string, string | undefined>): string | null {
  const own = env.PRENV_CACHE_DIR;
  if (own !== undefined && own !== '') return own === 'off' ? null : own;
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME))
    return path.join(env.XDG_CACHE_HOME, 'prenv');
  if (env.HOME && path.isAbsolute(env.HOME)) return path.join(env.HOME, '.cache', 'prenv');
  return null;
}

let fingerprint: string | undefined;

/**
 * A hash of what turns prenv.yml's text into a `Config`: prenv's package.json (its version and
 * dependency ranges), every file of the config modules (bot/config, or dist/bot/config when
 * compiled) and the installed versions of zod, yaml and croner. Computed once per process.
 */
export function validatorFingerprint(): string {
  if (fingerprint) return fingerprint;
  const hash = createHash('sha256').update(FORMAT);
  const add = (label: string, content: string | Buffer) =>
    hash.update(`\0${label}\0${content.length}\0`).update(content);
  add('package.json', readFileSync(path.join(PACKAGE_ROOT, 'package.json')));
  const configDir = fileURLToPath(new URL('../config/', import.meta.url));
  // Its sections live in subfolders (config/sections/…): every file counts, folders do not.
  const files = readdirSync(configDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(configDir, path.join(entry.parentPath, entry.name)))
    .sort();
  for (const name of files) add(`config/${name}`, readFileSync(path.join(configDir, name)));
  const require = createRequire(import.meta.url);
  for (const name of ['zod', 'yaml', 'croner']) {
    const entry = require.resolve(name);
    const at = entry.lastIndexOf(`${path.sep}node_modules${path.sep}${name}${path.sep}`);
    const manifest = path.join(entry.slice(0, at), 'node_modules', name, 'package.json');
    add(
      name,
      String((JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown }).version),
    );
  }
  fingerprint = hash.digest('hex');
  return fingerprint;
}

interface Entry {
  key: string;
  config: Config;
}

/** The entry's key for this exact text. */
function keyOf(text: string): string {
  return createHash('sha256')
    .update(validatorFingerprint())
    .update('\0')
    .update(text)
    .digest('hex');
}

/** Where the entry of the prenv.yml at `file` (an absolute path) lives. */
function entryFile(dir: string, file: string): string {
  return path.join(
    dir,
    'config',
    `${createHash('sha256').update(file).digest('hex').slice(0, 32)}.json`,
  );
}

/** The config validated from exactly `text`, or undefined (none kept, another text, unreadable). */
export async function cachedConfig(
  dir: string,
  file: string,
  text: string,
): Promise<Config | undefined> {
  try {
    const entry = JSON.parse(await readFile(entryFile(dir, file), 'utf8')) as Partial<Entry>;
    if (entry.key !== keyOf(text)) return undefined;
    const config = entry.config;
    return config && typeof config === 'object' && !Array.isArray(config) ? config : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Keeps `config`, validated from `text`, for the next run: written to a temporary file and
 * renamed, so a reader never sees half an entry. A config that JSON cannot carry unchanged is
 * not kept. Failures are ignored.
 */
export async function keepConfig(
  dir: string,
  file: string,
  text: string,
  config: Config,
): Promise<void> {
  const json = JSON.stringify({ key: keyOf(text), config } satisfies Entry);
  if (!isDeepStrictEqual((JSON.parse(json) as Entry).config, config)) return;
  const target = entryFile(dir, file);
  const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
  try {
    await makeDirs(path.dirname(target), 0o700);
    await writeFile(temporary, json, { mode: 0o600 });
    await rename(temporary, target);
    await prune(path.dirname(target));
  } catch {
    await unlink(temporary).catch(() => {});
  }
}

/** Removes the least recently written entries beyond MAX_ENTRIES. */
async function prune(folder: string): Promise<void> {
  const names = (await readdir(folder)).filter((n) => n.endsWith('.json'));
  if (names.length <= MAX_ENTRIES) return;
  const dated = await Promise.all(
    names.map(async (n) => ({
      file: path.join(folder, n),
      ms: (await stat(path.join(folder, n)).catch(() => null))?.mtimeMs ?? 0,
    })),
  );
  dated.sort((a, b) => a.ms - b.ms);
  await Promise.all(
    dated.slice(0, names.length - MAX_ENTRIES).map((d) => unlink(d.file).catch(() => {})),
  );
}
