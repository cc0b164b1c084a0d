export interface ConvertedEnv {
  env: Record<string, string>;
  secrets: string[];
  notes: string[];
}

const INTERPOLATION = /\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::?[-?][^}]*)?\}?/g;
const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|KEY|CREDENTIAL|PRIVATE|_URL|_URI|_DSN)/i;

/** Compose `environment` (list or map) → an ordered map; values may be absent ("FOO" alone). */
export function environmentEntries(value: unknown): [string, string | undefined][] {
  if (Array.isArray(value)) {
    return value.map((item) => {
      const text = String(item);
      const eq = text.indexOf('=');
      return eq < 0 ? [text, undefined] : [text.slice(0, eq), text.slice(eq + 1)];
    });
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).map(([k, v]) => [
      k,
      v === null || v === undefined ? undefined : String(v),
    ]);
  }
  return [];
}

/**
 * Values that interpolate host variables (`${DB_PASSWORD}`) or have no value come from the
 * deployer's secrets, so they become prenv secrets read from Consul KV; host names of other
 * Compose services become Consul service addresses.
 */
export function convertEnvironment(
  value: unknown,
  serviceNames: ReadonlyMap<string, string>,
  ports: ReadonlyMap<string, number>,
): ConvertedEnv {
  const out: ConvertedEnv = { env: {}, secrets: [], notes: [] };
  for (const [key, raw] of environmentEntries(value)) {
    if (raw === undefined || INTERPOLATION.test(raw)) {
      INTERPOLATION.lastIndex = 0;
      out.secrets.push(key);
      out.notes.push(
        `${key}: its value comes from the host environment; store it in Consul KV as a secret`,
      );
      continue;
    }
    INTERPOLATION.lastIndex = 0;
    const rewritten = rewriteServiceHosts(raw, serviceNames, ports);
    if (SECRET_NAME.test(key) && /:\/\/[^/\s:@]+:[^@\s]+@/.test(raw)) {
      out.secrets.push(key);
      out.notes.push(`${key}: holds credentials; store it in Consul KV as a secret`);
      continue;
    }
    out.env[key] = rewritten;
  }
  return out;
}

/** `redis://redis:6379/0` → `redis://{{service.redis}}/0` when `redis` is a Compose service. */
function rewriteServiceHosts(
  value: string,
  serviceNames: ReadonlyMap<string, string>,
  ports: ReadonlyMap<string, number>,
): string {
  const pattern = /(^|[/@=,\s])([a-z][a-z0-9_-]*)(?::(\d+))?(?=$|[/?,\s])/gi;
  return value.replace(pattern, (whole, lead: string, host: string, port?: string) => {
    const name = serviceNames.get(host);
    if (!name) return whole;
    if (port === undefined) return `${lead}{{service.${name}.dns}}`;
    const known = ports.get(host);
    if (known !== undefined && Number(port) !== known) return whole;
    return `${lead}{{service.${name}}}`;
  });
}
