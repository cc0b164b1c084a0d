/** Staging is a cluster of its own: these point the CLI at its Nomad, Consul and Caddy. */
const STAGING_OVERRIDES = [
  'NOMAD_ADDR',
  'NOMAD_TOKEN',
  'CONSUL_ADDR',
  'CONSUL_TOKEN',
  'CADDY_ADMIN',
  'CADDY_SERVICE',
  'CADDY_HTTP',
];

/** The variables as prenv reads them for `target`: staging's `PRENV_STAGING_*` win there. */
export function envFor(
  env: Record<string, string | undefined>,
  target: 'production' | 'staging' | 'pr',
): Record<string, string | undefined> {
  if (target !== 'staging') return env;
  const out = { ...env };
  for (const key of STAGING_OVERRIDES) {
    const value = env[`PRENV_STAGING_${key}`];
    if (value) out[`PRENV_${key}`] = value;
  }
  return out;
}
