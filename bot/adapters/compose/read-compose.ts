import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { mayBeProxy } from '../../../generators/compose/compose-service.js';
import { parseVolume } from '../../../generators/compose/compose-volumes.js';

/** Config files an nginx or Caddy service may read, relative to the Compose file when not mounted. */
const BESIDE = [
  'nginx.conf',
  'nginx/nginx.conf',
  'nginx/default.conf',
  'nginx/conf.d',
  'Caddyfile',
  'caddy/Caddyfile',
];

/**
 * The files a Compose file's variables come from, as Compose reads them: the `--env-file`s in
 * order when given, else `.env` beside the Compose file. The shell's environment is not read,
 * so the prenv.yml written is the same on every machine and no exported secret ends up in it.
 */
export async function readVariables(
  composeFile: string,
  envFiles: readonly string[],
  cwd: string,
): Promise<{ file: string; text: string }[]> {
  if (envFiles.length > 0) {
    return Promise.all(
      envFiles.map(async (f) => ({ file: f, text: await readFile(path.resolve(cwd, f), 'utf8') })),
    );
  }
  const beside = path.join(path.dirname(composeFile), '.env');
  const text = await readFile(beside, 'utf8').catch(() => undefined);
  return text === undefined ? [] : [{ file: '.env', text }];
}

/**
 * nginx and Caddy config files of the services that may be reverse proxies: the files or
 * folders (`*.conf`) they bind-mount under an nginx or caddy path, else the usual places
 * beside the Compose file. Missing files are skipped.
 */
export async function readProxyConfigs(
  composeFile: string,
  compose: Record<string, unknown>,
): Promise<Record<string, { file: string; text: string }[]>> {
  const dir = path.dirname(composeFile);
  const services = (compose.services ?? {}) as Record<string, Record<string, unknown>>;
  const out: Record<string, { file: string; text: string }[]> = {};
  for (const [name, svc] of Object.entries(services)) {
    if (!mayBeProxy(name, svc ?? {})) continue;
    const mounted = (Array.isArray(svc.volumes) ? svc.volumes : [])
      .map(parseVolume)
      .filter((v) => v?.type === 'bind' && /nginx|caddy/i.test(v.target))
      .map((v) => v?.source ?? '');
    const files: { file: string; text: string }[] = [];
    for (const source of mounted.length > 0 ? mounted : BESIDE) {
      files.push(...(await readConfFiles(dir, source)));
    }
    out[name] = files;
  }
  return out;
}

async function readConfFiles(
  dir: string,
  source: string,
): Promise<{ file: string; text: string }[]> {
  const full = path.resolve(dir, source);
  const info = await stat(full).catch(() => undefined);
  if (!info) return [];
  const relative = (f: string) => path.relative(dir, f) || path.basename(f);
  if (info.isFile()) return [{ file: relative(full), text: await readFile(full, 'utf8') }];
  if (!info.isDirectory()) return [];
  const names = (await readdir(full)).filter((f) => f.endsWith('.conf')).sort();
  return Promise.all(
    names.map(async (f) => ({
      file: relative(path.join(full, f)),
      text: await readFile(path.join(full, f), 'utf8'),
    })),
  );
}

/**
 * The texts of each service's `env_file`s (a path, a list, or `{ path, required }` items),
 * relative to the Compose file, keyed by service. A missing optional file is left out; a
 * missing required one is listed in `missing`.
 */
export async function readServiceEnvFiles(
  composeFile: string,
  compose: Record<string, unknown>,
): Promise<{
  files: Record<string, { file: string; text: string }[]>;
  missing: { service: string; file: string }[];
}> {
  const dir = path.dirname(composeFile);
  const services = (compose.services ?? {}) as Record<string, Record<string, unknown>>;
  const files: Record<string, { file: string; text: string }[]> = {};
  const missing: { service: string; file: string }[] = [];
  for (const [name, svc] of Object.entries(services)) {
    const raw = svc?.env_file;
    if (raw === undefined) continue;
    const items = (Array.isArray(raw) ? raw : [raw]).map((item) =>
      typeof item === 'string'
        ? { file: item, required: true }
        : {
            file: String((item as { path?: unknown }).path ?? ''),
            required: (item as { required?: unknown }).required !== false,
          },
    );
    files[name] = [];
    for (const item of items) {
      const text = await readFile(path.resolve(dir, item.file), 'utf8').catch(() => undefined);
      if (text !== undefined) files[name].push({ file: item.file, text });
      else if (item.required) missing.push({ service: name, file: item.file });
    }
  }
  return { files, missing };
}
