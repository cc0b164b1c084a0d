const SIZE_UNITS: Readonly<Record<string, number>> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
};

/**
 * Bytes of a size of prenv.yml such as `2GB`, with the units Caddy's Caddyfile parser uses
 * (GB = 10^9, GiB = 2^30). Throws on any other form.
 */
export function sizeBytes(text: string): number {
  const m = /^(\d+)([A-Za-z]+)$/.exec(text);
  const unit = m?.[2] ? SIZE_UNITS[m[2]] : undefined;
  if (!m?.[1] || unit === undefined) throw new Error(`not a size: ${text}`);
  return Number(m[1]) * unit;
}
