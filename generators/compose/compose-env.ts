import { REASONS } from './dropped-keys.js';
import { LiteralSecretNames } from './compose-secrets.js';
import {
  CREDENTIAL_URL,
  isSecretVariable,
  SECRET_NAME,
  type SecretRef,
} from './interpolate-compose.js';

/** How services of the Compose file are reached in prenv. */
export interface AddressBook {
  /** Host names other containers use (service name, container_name, hostname, aliases) → prenv service. */
  hosts: ReadonlyMap<string, string>;
  /** prenv service → its port, when it has one. */
  ports: ReadonlyMap<string, number>;
}

export interface ConvertedEnv {
  env: Record<string, string>;
  /** Secret names with why each one is a secret. */
  secrets: { name: string; reason: string }[];
  notes: string[];
}

/** A place in a value where another service is reached: `scheme://[user@]host[:port]` or `host:port`. */
interface HostRef {
  start: number;
  end: number;
  host: string;
  port: number | undefined;
  /** The text kept before the host (scheme and user info). */
  lead: string;
}

const URL_HOST = /([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/\s@]*@)?([A-Za-z0-9_.-]+)(?::(\d+))?/g;
const HOST_PORT = /(^|[\s,;=])([A-Za-z0-9_.-]+):(\d+)(?=$|[\s,;/])/g;
const SECRET_REF = /\{\{secret\.([A-Za-z_][A-Za-z0-9_]*)\}\}/g;
/** Every password of `scheme://user:password@` in a value (its second group). */
const URL_PASSWORD = new RegExp(CREDENTIAL_URL.source, 'g');
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HOST_KEY = /_?(HOST|HOSTNAME|SERVER|ADDR|ADDRESS)$/;

/** Where `value` reaches a host of `hosts`: inside a URL or as `host:port`, never a bare word. */
export function hostRefs(value: string, hosts: ReadonlyMap<string, string>): HostRef[] {
  const refs: HostRef[] = [];
  const covered: [number, number][] = [];
  for (const m of value.matchAll(URL_HOST)) {
    const host = m[3] ?? '';
    const lead = `${m[1] ?? ''}${m[2] ?? ''}`;
    covered.push([m.index, m.index + m[0].length]);
    if (!hosts.has(host)) continue;
    refs.push({
      start: m.index,
      end: m.index + m[0].length,
      host,
      port: m[4] ? Number(m[4]) : undefined,
      lead,
    });
  }
  for (const m of value.matchAll(HOST_PORT)) {
    const start = m.index + (m[1] ?? '').length;
    if (covered.some(([a, b]) => start >= a && start < b)) continue;
    const host = m[2] ?? '';
    if (!hosts.has(host)) continue;
    refs.push({ start, end: m.index + m[0].length, host, port: Number(m[3]), lead: '' });
  }
  return refs.sort((a, b) => a.start - b.start);
}

/** Compose `environment` (list or map) → ordered entries; a value may be absent ("FOO" alone). */
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

/** Where literal secrets of one import get their Consul KV names, and which service this is. */
export interface LiteralSecrets {
  service: string;
  names: LiteralSecretNames;
}

/**
 * One service's environment for prenv.yml. Values stay as written except where they reach
 * another service inside a URL or as `host:port`: that part becomes `{{service.NAME}}`
 * (address and Nomad's port, from Consul at run time). `{{secret.X}}` left by interpolation
 * adds X to the service's secrets; a key without a value is a secret of its own name. A
 * literal under a secret name (`isSecretVariable`) becomes `{{secret.NAME}}`, and so does the
 * password inside a `scheme://user:password@host` URL: the value is never written.
 */
export function convertEnvironment(
  value: unknown,
  book: AddressBook,
  refs: readonly SecretRef[],
  literals: LiteralSecrets = { service: '', names: new LiteralSecretNames() },
): ConvertedEnv {
  const out: ConvertedEnv = { env: {}, secrets: [], notes: [] };
  const addSecret = (name: string, reason: string) => {
    if (!out.secrets.some((s) => s.name === name)) out.secrets.push({ name, reason });
  };
  const entries = environmentEntries(value);
  for (const [key, raw] of entries) {
    if (!ENV_NAME.test(key)) {
      out.notes.push(`${key}: ${REASONS.envName}; not carried`);
      continue;
    }
    if (raw === undefined) {
      addSecret(key, 'has no value in the Compose file (Compose passes it from the shell)');
      continue;
    }
    // Secrets come from the value itself: extends and merge keys copy values between services.
    for (const m of raw.matchAll(SECRET_REF)) {
      const variable = m[1] as string;
      const ref =
        refs.find((r) => r.variable === variable && r.key === key) ??
        refs.find((r) => r.variable === variable);
      addSecret(
        variable,
        `${variable === key ? '' : `${key} uses it; `}` +
          (ref?.why === 'unset'
            ? 'not set in .env or an --env-file'
            : ref?.why === 'env-file'
              ? "from the service's env_file; its name or value says it is a secret, so it is not written into prenv.yml"
              : 'its name or value says it is a secret, so its value (from .env, an --env-file or a default) is not written into prenv.yml'),
      );
    }
    if (raw === `{{secret.${key}}}`) continue;
    const hidden = hideLiteralSecret(key, raw, literals, addSecret);
    if (hidden === `{{secret.${key}}}`) continue;
    out.env[key] = wire(key, hidden, book, out.notes);
  }
  wirePairs(out, book);
  return out;
}

/**
 * `raw` with its literal secret replaced by `{{secret.NAME}}` (added to the secrets): the
 * whole value under a secret name, else each password inside a URL. Values that already
 * hold a `{{secret.X}}` came from interpolation and are left as they are.
 */
function hideLiteralSecret(
  key: string,
  raw: string,
  literals: LiteralSecrets,
  addSecret: (name: string, reason: string) => void,
): string {
  if (raw.includes('{{secret.') || !isSecretVariable(key, raw)) return raw;
  const { service, names } = literals;
  if (SECRET_NAME.test(key)) {
    const name = names.nameFor(service, key, raw);
    addSecret(
      name,
      `${name === key ? '' : `${key} uses it; `}written as a literal value in the Compose file under a name that says secret; store that value in Consul KV as ${name}: it is not written into prenv.yml`,
    );
    return `{{secret.${name}}}`;
  }
  return raw.replace(URL_PASSWORD, (_, lead: string, password: string, at: string) => {
    const name = names.nameForPassword(service, key, password);
    addSecret(
      name,
      `${key} uses it; the password inside ${key}'s URL, written in the Compose file; store it in Consul KV as ${name}: it is not written into prenv.yml`,
    );
    return `${lead}{{secret.${name}}}${at}`;
  });
}

/**
 * `CACHE_HOST: redis` with `CACHE_PORT: "6379"`: a host that alone equals a service name is
 * only rewritten with its port sibling, both from the same Consul instance (Nomad gives the
 * service a port of its own). A host key without a port key is left as written and reported.
 */
function wirePairs(out: ConvertedEnv, book: AddressBook): void {
  for (const [key, value] of Object.entries(out.env)) {
    const name = book.hosts.get(value);
    if (!HOST_KEY.test(key) || !name) continue;
    const prefix = key.replace(HOST_KEY, '');
    const portKey = [`${prefix}_PORT`, `${prefix}PORT`].find((k) => k in out.env);
    const port = book.ports.get(name);
    if (portKey && port !== undefined && out.env[portKey] === String(port)) {
      out.env[key] = `{{service.${name}.host}}`;
      out.env[portKey] = `{{service.${name}.port}}`;
      out.notes.push(
        `${key} and ${portKey} reach ${name} together: its address and Nomad's port, from Consul`,
      );
    } else {
      out.notes.push(
        `${key}=${value} names service ${name} ${portKey ? `but ${portKey} is not its port ${port ?? '(none)'}` : 'without a port'}; ` +
          `Nomad gives ${name} a port of its own, so it is left as written: use "{{service.${name}}}" (host:port) or a ${prefix}_PORT of "{{service.${name}.port}}"`,
      );
    }
  }
}

function wire(key: string, value: string, book: AddressBook, notes: string[]): string {
  let out = '';
  let last = 0;
  for (const ref of hostRefs(value, book.hosts)) {
    const name = book.hosts.get(ref.host) as string;
    const port = book.ports.get(name);
    if (port === undefined) {
      notes.push(`${key}: reaches ${ref.host}, which has no port in prenv.yml; left as written`);
      continue;
    }
    if (ref.port !== undefined && ref.port !== port) {
      notes.push(
        `${key}: reaches ${ref.host}:${ref.port}, but ${name} listens on ${port} in prenv.yml; left as written`,
      );
      continue;
    }
    out += `${value.slice(last, ref.start)}${ref.lead}{{service.${name}}}`;
    last = ref.end;
  }
  return out + value.slice(last);
}
