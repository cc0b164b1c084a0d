/** Small converters from Compose value forms to prenv's. Each returns undefined when it cannot convert. */

/** Compose memory sizes ("512M", "2g", "1.5GB", bytes) → MiB. */
export function memoryMiB(value: unknown): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([bkmg])?i?b?$/i.exec(String(value).trim());
  if (!match) return undefined;
  const n = Number(match[1]);
  const unit = (match[2] ?? 'b').toLowerCase();
  const mib = { b: n / 2 ** 20, k: n / 1024, m: n, g: n * 1024 }[unit] ?? n;
  return Math.max(10, Math.round(mib));
}

/** Compose CPUs ("0.5", 2) → Nomad MHz, counting one core as 1000 MHz. */
export function cpuMHz(value: unknown): number | undefined {
  const cpus = Number(value);
  return Number.isFinite(cpus) && cpus > 0 ? Math.max(10, Math.round(cpus * 1000)) : undefined;
}

/** Splits a shell-like command string into words, honouring simple quotes. */
export function splitCommand(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return undefined;
  const words: string[] = [];
  const pattern = /"((?:\\.|[^"\\])*)"|'([^']*)'|(\S+)/g;
  for (const m of value.matchAll(pattern))
    words.push(m[1]?.replace(/\\(.)/g, '$1') ?? m[2] ?? m[3] ?? '');
  return words;
}

/** A Compose healthcheck test that requests a local URL with curl or wget → its port and path. */
export function httpHealthCheck(test: unknown): { port?: number; path: string } | undefined {
  const words = Array.isArray(test) ? test.map(String) : typeof test === 'string' ? [test] : [];
  const text = words.filter((w) => w !== 'CMD' && w !== 'CMD-SHELL').join(' ');
  if (!/\b(curl|wget)\b/.test(text)) return undefined;
  // curl and wget take a URL without a scheme as http (`curl localhost:3000/health`); a bare
  // `localhost` (an option's value, as in `--noproxy localhost`) is not a URL.
  const url = [
    ...text.matchAll(
      /(?:(https?:\/\/)|(?<![\w./:-]))(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::(\d+))?(\/[^\s'"|;&?#]*)?/g,
    ),
  ]
    .map((m) => [m[2], m[3], m[1] !== undefined || m[2] !== undefined] as const)
    .find(([, , isUrl]) => isUrl);
  if (!url) return undefined;
  const [port, urlPath] = url;
  return { ...(port ? { port: Number(port) } : {}), path: urlPath ?? '/' };
}

/** Compose names allow "_" and upper case; prenv names are lowercase with "-". */
export function prenvName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 30);
  return cleaned || 'app';
}
