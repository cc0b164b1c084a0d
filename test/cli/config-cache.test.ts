/**
 * The config cache: a prenv.yml validated before is taken from it only while its text, prenv
 * and the validating code are unchanged; an edited file is validated again (with the same
 * problems, paths and lines as without a cache), and a cache folder that cannot be used is
 * no cache, never an error.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  configCacheDir,
  keepConfig,
  MAX_ENTRIES,
  validatorFingerprint,
} from '../../bot/cli/config-cache.js';
import { readConfigFile, requireConfig } from '../../bot/cli/config-file.js';
import type { Config } from '../../bot/config/config.js';
import { formatProblem, parseConfig } from '../../bot/config/load.js';
import { repoRoot } from '../support/tools.js';

const example = (name: string) =>
  readFileSync(path.join(repoRoot, 'examples', name, 'prenv.yml'), 'utf8');
const aipacto = example('aipacto');

/** A project folder with prenv.yml and an empty cache folder beside it. */
function project(text = aipacto) {
  const dir = mkdtempSync(path.join(tmpdir(), 'prenv-config-cache-'));
  writeFileSync(path.join(dir, 'prenv.yml'), text);
  const cache = path.join(dir, 'cache');
  return { dir, cache, env: { PRENV_CACHE_DIR: cache } };
}

const entries = (cache: string) => {
  try {
    return readdirSync(path.join(cache, 'config'));
  } catch {
    return [];
  }
};
const entryPath = (cache: string) => {
  const [only] = entries(cache);
  if (!only) throw new Error('no cache entry');
  return path.join(cache, 'config', only);
};

/** Rewrites the one entry's config as `edit` says, keeping its key: what a hit would serve. */
function tamper(cache: string, edit: (entry: { key: string; config: Config }) => void) {
  const file = entryPath(cache);
  const entry = JSON.parse(readFileSync(file, 'utf8')) as { key: string; config: Config };
  edit(entry);
  writeFileSync(file, JSON.stringify(entry));
}

async function read(p: ReturnType<typeof project>) {
  return readConfigFile('prenv.yml', p.dir, p.env);
}

function validated(text: string): Config {
  const result = parseConfig(text, 'prenv.yml');
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.config;
}

describe('config cache', () => {
  it.each(['aipacto', 'leap', 'quetrex'])(
    'gives back exactly the config validation gave, for examples/%s',
    async (name) => {
      const p = project(example(name));
      const first = await read(p);
      expect(entries(p.cache)).toHaveLength(1);
      const second = await read(p);
      expect(first).toEqual({ ok: true, config: validated(example(name)), file: 'prenv.yml' });
      expect(second).toStrictEqual(first);
    },
  );

  it('serves an unchanged file from the cache (a marked entry shows it was used)', async () => {
    const p = project();
    await read(p);
    tamper(p.cache, (e) => void (e.config.project = 'from-the-cache'));
    const again = await read(p);
    expect(again.ok && again.config.project).toBe('from-the-cache');
  });

  // Each edit is made after the original was cached (and the entry marked): the result must
  // be the edited file's own validation, never the cached config.
  it.each<[string, (text: string) => string]>([
    ['a changed value', (t) => t.replace('max: 15', 'max: 4')],
    ['a comment added', (t) => `# edited\n${t}`],
    ['one space more at the end', (t) => `${t} `],
    ['an unknown key', (t) => t.replace('project: aipacto', 'project: aipacto\nprojcet: x')],
    ['a value of the wrong type', (t) => t.replace('max: 15', 'max: many')],
    ['broken YAML', (t) => t.replace('project: aipacto', 'project: [aipacto')],
    ['a cross-field problem', (t) => t.replace('route: { path: / }', 'route: { path: /api }')],
  ])('validates an edited file again: %s', async (_, edit) => {
    const p = project();
    expect((await read(p)).ok).toBe(true);
    tamper(p.cache, (e) => void (e.config.project = 'stale'));
    const edited = edit(aipacto);
    expect(edited).not.toBe(aipacto);
    writeFileSync(path.join(p.dir, 'prenv.yml'), edited);
    const fresh = parseConfig(edited, 'prenv.yml');
    const got = await read(p);
    expect(got).toEqual(
      fresh.ok
        ? { ok: true, config: fresh.config, file: 'prenv.yml' }
        : { ok: false, file: 'prenv.yml', problems: fresh.problems },
    );
    if (got.ok) expect(got.config.project).not.toBe('stale');
  });

  it('keeps the message of an invalid config exactly, with its path and line, on every run', async () => {
    const bad = aipacto.replace('max: 15', 'max: many');
    const p = project(bad);
    const message = 'prenv.yml:13:8: previews.max: expected number, got string "many"';
    const parsed = parseConfig(bad, 'prenv.yml');
    expect(parsed.ok ? [] : parsed.problems.map(formatProblem)).toEqual([message]);
    for (let run = 0; run < 2; run++)
      await expect(requireConfig('prenv.yml', p.dir, p.env)).rejects.toMatchObject({ message });
    // Never kept: only valid configs are.
    expect(entries(p.cache)).toEqual([]);
  });

  it('does not use an entry kept by other code or another prenv (another key)', async () => {
    const p = project();
    await read(p);
    tamper(p.cache, (e) => {
      e.key = e.key.replace(/^./, (c) => (c === '0' ? '1' : '0'));
      e.config.project = 'other-version';
    });
    const got = await read(p);
    expect(got.ok && got.config.project).toBe('aipacto');
    // ...and replaces it with this run's entry.
    tamper(p.cache, (e) => void (e.config.project = 'rewritten'));
    const third = await read(p);
    expect(third.ok && third.config.project).toBe('rewritten');
  });

  it.each<[string, (cache: string) => void]>([
    ['a corrupt entry', (c) => writeFileSync(entryPath(c), '{"key": "')],
    ['an empty entry', (c) => writeFileSync(entryPath(c), '')],
    ['an entry without a config', (c) => tamper(c, (e) => void (e.config = null as never))],
    ['an entry whose config is a list', (c) => tamper(c, (e) => void (e.config = [] as never))],
  ])('treats %s as no entry and validates again', async (_, damage) => {
    const p = project();
    await read(p);
    damage(p.cache);
    expect(await read(p)).toEqual({ ok: true, config: validated(aipacto), file: 'prenv.yml' });
  });

  it.each<[string, (dir: string) => string]>([
    [
      'a file where the folder should be',
      (dir) => {
        writeFileSync(path.join(dir, 'not-a-folder'), 'x');
        return path.join(dir, 'not-a-folder');
      },
    ],
    [
      'a folder below a file',
      (dir) => {
        writeFileSync(path.join(dir, 'file'), 'x');
        return path.join(dir, 'file', 'cache');
      },
    ],
  ])('works without a cache when it cannot be used: %s', async (_, cacheFolder) => {
    const p = project();
    const cache = cacheFolder(p.dir);
    const env = { PRENV_CACHE_DIR: cache };
    for (let run = 0; run < 2; run++)
      expect(await readConfigFile('prenv.yml', p.dir, env)).toEqual({
        ok: true,
        config: validated(aipacto),
        file: 'prenv.yml',
      });
  });

  it('cannot be fooled by a folder in place of the entry', async () => {
    const p = project();
    await read(p);
    const file = entryPath(p.cache);
    rmSync(file);
    mkdirSync(file);
    for (let run = 0; run < 2; run++)
      expect(await read(p)).toEqual({ ok: true, config: validated(aipacto), file: 'prenv.yml' });
  });

  it('is off with PRENV_CACHE_DIR=off, and without any cache folder in the environment', async () => {
    const p = project();
    await readConfigFile('prenv.yml', p.dir, { PRENV_CACHE_DIR: 'off', HOME: p.cache });
    await readConfigFile('prenv.yml', p.dir, {});
    await readConfigFile('prenv.yml', p.dir);
    expect(readdirSync(p.dir)).toEqual(['prenv.yml']);
  });

  it.each<[Record<string, string>, string | null]>([
    [{ PRENV_CACHE_DIR: '/c' }, '/c'],
    [{ PRENV_CACHE_DIR: 'off', HOME: '/home/u' }, null],
    [{ PRENV_CACHE_DIR: '', HOME: '/home/u' }, '/home/u/.cache/prenv'],
    [{ XDG_CACHE_HOME: '/x', HOME: '/home/u' }, '/x/prenv'],
    // XDG: a relative path is invalid and ignored.
    [{ XDG_CACHE_HOME: 'x', HOME: '/home/u' }, '/home/u/.cache/prenv'],
    [{ HOME: '/home/u' }, '/home/u/.cache/prenv'],
    [{ HOME: 'relative' }, null],
    [{}, null],
  ])('finds its folder in %j: %s', (env, expected) => {
    expect(configCacheDir(env)).toBe(expected);
  });

  it('keeps one entry per prenv.yml path, and at most MAX_ENTRIES, dropping the oldest', async () => {
    const p = project();
    await read(p);
    await read(p);
    writeFileSync(path.join(p.dir, 'prenv.yml'), aipacto.replace('max: 15', 'max: 3'));
    await read(p);
    expect(entries(p.cache)).toHaveLength(1);
    const folder = path.join(p.cache, 'config');
    for (let i = 0; i < MAX_ENTRIES + 5; i++) {
      const old = path.join(folder, `old-${i}.json`);
      writeFileSync(old, '{}');
      utimesSync(old, 1_000 + i, 1_000 + i);
    }
    const other = project();
    other.cache = p.cache;
    other.env = p.env;
    await read(other);
    const left = entries(p.cache);
    expect(left).toHaveLength(MAX_ENTRIES);
    expect(left.filter((n) => n.startsWith('old-'))).toHaveLength(MAX_ENTRIES - 2);
    expect(left).not.toContain('old-0.json');
    // Both projects' entries are the newest, and stay.
    expect(left.filter((n) => !n.startsWith('old-'))).toHaveLength(2);
  });

  it('does not keep a config that JSON would change', async () => {
    const p = project();
    const config = validated(aipacto);
    await keepConfig(p.cache, path.join(p.dir, 'prenv.yml'), aipacto, {
      ...config,
      project: undefined as never,
    });
    await keepConfig(p.cache, path.join(p.dir, 'prenv.yml'), aipacto, {
      ...config,
      domain: new Date(0) as never,
    });
    expect(entries(p.cache)).toEqual([]);
  });

  it('fingerprints every module validation runs: the config modules import nothing else that shapes a config', () => {
    const folder = path.join(repoRoot, 'bot/config');
    const files = readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(folder, path.join(e.parentPath, e.name)))
      .sort();
    expect(files).toContain(path.join('sections', 'services.ts'));
    const outside = files.flatMap((name) =>
      [...readFileSync(path.join(folder, name), 'utf8').matchAll(/from '(\.[^']+)'/g)]
        .map((m) => m[1]!)
        .filter((spec) =>
          path.relative(folder, path.resolve(folder, path.dirname(name), spec)).startsWith('..'),
        )
        .map((spec) => `${name} → ${spec}`),
    );
    // nearest() words the did-you-mean of a problem; problems are never kept.
    expect(outside).toEqual(['load.ts → ../core/nearest.js']);
    expect(validatorFingerprint()).toMatch(/^[0-9a-f]{64}$/);
  });
});
