import { interpolateString } from './interpolate.js';

/** Names that say a value is a credential: kept out of prenv.yml even when `.env` has them. */
export const SECRET_NAME =
  /(SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIAL|PRIVATE|SALT|(^|_)KEY$|_KEY_|(^|_)PASS$|(^|_)PWD$)/i;

/**
 * Values that carry a password inline (`scheme://user:password@host`, the user may be empty as
 * in `redis://:password@host`); RFC 3986's userinfo holds no "/", so a port and path are not one.
 */
export const CREDENTIAL_URL = /(:\/\/[^/\s:@]*:)([^@\s/]+)(@)/;

/** A yes/no flag (`MYSQL_ALLOW_EMPTY_PASSWORD: "yes"`) or the path of a file holding the secret (`POSTGRES_PASSWORD_FILE: /run/secrets/pg`): its name says secret, its value is not one. */
const NOT_A_SECRET_VALUE = /^(yes|no|true|false|on|off)$/i;

/** True when a variable's value must stay out of prenv.yml: by its name, or a password in it. */
export function isSecretVariable(name: string, value: string | undefined): boolean {
  if (value !== undefined && CREDENTIAL_URL.test(value)) return true;
  if (!SECRET_NAME.test(name)) return false;
  if (value === undefined) return true;
  return !NOT_A_SECRET_VALUE.test(value) && !(/_FILE$/i.test(name) && value.startsWith('/'));
}

/** A variable an `environment` value needs at run time: it becomes a prenv secret. */
export interface SecretRef {
  service: string;
  /** The environment key whose value refers to the variable. */
  key: string;
  variable: string;
  why: 'unset' | 'secret-name' | 'env-file';
}

export interface InterpolatedCompose {
  value: unknown;
  secretRefs: SecretRef[];
  /** Unset variables outside `environment`, replaced by "" as Compose does. */
  unset: { path: (string | number)[]; variable: string }[];
  problems: { path: (string | number)[]; message: string }[];
}

/**
 * Interpolates every string value of a Compose document (keys are left alone, as Compose
 * does). Inside a service's `environment`, a variable that is unset — or set in `.env` under
 * a name that says it is a secret — becomes `{{secret.NAME}}`: its value is read from Consul
 * KV at run time instead of being written into prenv.yml. Elsewhere an unset variable is ""
 * (Compose's rule) and listed in `unset`; in `image` it is a problem naming the variable.
 */
export function interpolateCompose(
  doc: unknown,
  variables: Readonly<Record<string, string>>,
): InterpolatedCompose {
  const out: InterpolatedCompose = { value: undefined, secretRefs: [], unset: [], problems: [] };
  const plain = (name: string) => variables[name];
  const walk = (node: unknown, path: (string | number)[]): unknown => {
    const bare = bareEnvironmentKey(node, path);
    // `environment: [FOO]` or `FOO:` takes FOO from the interpolation environment (.env,
    // --env-file) as Compose does; only when that lacks it is it left for the shell.
    if (bare !== undefined && variables[bare] !== undefined) {
      return one(typeof path[3] === 'number' ? `${bare}=\${${bare}}` : `\${${bare}}`, path);
    }
    if (typeof node === 'string') return one(node, path);
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (node && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node as Record<string, unknown>).map(([k, v]) => [k, walk(v, [...path, k])]),
      );
    }
    return node;
  };
  const one = (text: string, path: (string | number)[]): unknown => {
    const envAt = environmentKey(path, text);
    if (envAt) {
      const refs: string[] = [];
      // A secret variable is always read at run time, even when .env sets it or a
      // default is written: its value must not land in prenv.yml.
      const result = interpolateString(text, plain, {
        deferred: (name) => isSecretVariable(name, variables[name]),
        onMissing: (name) => {
          refs.push(name);
          return `{{secret.${name}}}`;
        },
      });
      for (const variable of new Set(refs)) {
        out.secretRefs.push({
          service: envAt.service,
          key: envAt.key,
          variable,
          why: isSecretVariable(variable, variables[variable]) ? 'secret-name' : 'unset',
        });
      }
      result.errors.forEach((message) => out.problems.push({ path, message }));
      return result.value;
    }
    const result = interpolateString(text, plain);
    result.errors.forEach((message) => out.problems.push({ path, message }));
    for (const variable of new Set(result.missing)) {
      if (path[0] === 'services' && path[2] === 'image') {
        out.problems.push({
          path,
          message: `variable ${variable} is not set (in .env or an --env-file) and has no default; set it or write \${${variable}:-value}`,
        });
      } else if (!String(path[0]).startsWith('x-')) {
        // Top-level x- fields are only anchors' sources: where they are merged, they are reported.
        out.unset.push({ path, variable });
      }
    }
    return text.includes('$') ? typed(result.value, path.at(-1)) : result.value;
  };
  out.value = walk(doc, []);
  return out;
}

const INTEGER_KEYS = new Set([
  'replicas',
  'scale',
  'retries',
  'target',
  'cpu_count',
  'cpu_percent',
  'cpu_shares',
  'pids_limit',
  'oom_score_adj',
  'mem_swappiness',
]);
const BOOLEAN_KEYS = new Set([
  'stdin_open',
  'tty',
  'privileged',
  'read_only',
  'init',
  'disable',
  'required',
  'external',
  'attachable',
  'internal',
  'oom_kill_disable',
  'create_host_path',
  'nocopy',
]);

/**
 * An interpolated value is text; where the spec wants a number or a boolean, Compose converts
 * it after interpolation (compose-go's interpolation type casts), so `replicas: ${N:-2}` is 2.
 */
function typed(value: string, key: string | number | undefined): unknown {
  if (typeof key !== 'string') return value;
  if (INTEGER_KEYS.has(key) && /^-?\d+$/.test(value)) return Number(value);
  if (BOOLEAN_KEYS.has(key) && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return value;
}

/** FOO when `node` is an `environment` entry without a value: `FOO` in a list, `FOO:` in a map. */
function bareEnvironmentKey(node: unknown, path: (string | number)[]): string | undefined {
  if (path[0] !== 'services' || path[2] !== 'environment' || path.length !== 4) return undefined;
  if (typeof path[3] === 'string') return node === null ? path[3] : undefined;
  return typeof node === 'string' && !node.includes('=') ? node : undefined;
}

/** The service and key when `path` is a value of a service's `environment`. */
function environmentKey(
  path: (string | number)[],
  text: string,
): { service: string; key: string } | undefined {
  if (path[0] !== 'services' || path[2] !== 'environment' || path.length !== 4) return undefined;
  const service = String(path[1]);
  if (typeof path[3] === 'string') return { service, key: path[3] };
  const eq = text.indexOf('=');
  return { service, key: eq < 0 ? text : text.slice(0, eq) };
}
