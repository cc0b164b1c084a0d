import type { CrossFieldProblem } from './cross-field-problem.js';
import type { ParsedConfig } from './schema.js';

/**
 * A host prenv routes through Caddy: a fixed one (`aipacto.com`) or the pull requests' pattern
 * (`pr-{{number}}.pr.aipacto.com`). Two of them on one name would give both Caddy sites the same
 * address, and one environment would take the other's traffic (and `/tls/ask` approve it twice).
 */
export interface RoutedHost {
  /** Who is served there, as the user names it: `environments.staging.host`. */
  name: string;
  /** The prenv.yml key that holds the value (a default points at the key it comes from). */
  path?: (string | number)[];
  host: string;
  /** Not written in prenv.yml: derived from `domain`. */
  isDefault?: boolean;
}

/** DNS names compare case-insensitively, and `aipacto.com.` is `aipacto.com` (RFC 4343, 1034). */
export function normalHost(host: string): string {
  return host.toLowerCase().replace(/\.+$/, '');
}

const NUMBER = '{{number}}';
/** A pull request number as prenv writes it in a host (bot/core/pr-number.ts). */
const PR_DIGITS = '[1-9][0-9]{0,8}';

function patternRegex(pattern: string): RegExp {
  const escape = (part: string) => part.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  return new RegExp(`^${normalHost(pattern).split(NUMBER).map(escape).join(PR_DIGITS)}$`);
}

/** A host both `a` and `b` would answer (one example when one is the PR pattern), or null. */
export function sharedHost(a: string, b: string): string | null {
  const [x, y] = [normalHost(a), normalHost(b)];
  const xp = x.includes(NUMBER);
  const yp = y.includes(NUMBER);
  if (xp && yp) return x === y ? x.replaceAll(NUMBER, '7') : null;
  if (xp) return patternRegex(x).test(y) ? y : null;
  if (yp) return patternRegex(y).test(x) ? x : null;
  return x === y ? x : null;
}

/** Every pair that shares a host, the later entry first (the one to report). */
export function hostClashes(hosts: readonly RoutedHost[]): Clash[] {
  const clashes: Clash[] = [];
  hosts.forEach((host, i) => {
    for (const other of hosts.slice(0, i)) {
      const shared = sharedHost(host.host, other.host);
      if (shared !== null) clashes.push({ host, other, shared });
    }
  });
  return clashes;
}

/**
 * The hosts prenv.yml routes: production's (default: `domain`), staging's (default
 * `staging.<domain>`) and the pull requests' pattern (default `pr-{{number}}.pr.<domain>`).
 */
export function configRoutedHosts(config: ParsedConfig): RoutedHost[] {
  const env = (name: 'production' | 'staging', fallback: string): RoutedHost => {
    const set = config.environments[name];
    return set
      ? { name: `environments.${name}.host`, path: ['environments', name, 'host'], host: set.host }
      : {
          name: `environments.${name}.host (default ${fallback})`,
          path: ['domain'],
          host: fallback,
          isDefault: true,
        };
  };
  const preview = config.previews.host;
  return [
    env('production', config.domain),
    env('staging', `staging.${config.domain}`),
    preview
      ? { name: 'previews.host', path: ['previews', 'host'], host: preview }
      : {
          name: `previews.host (default pr-{{number}}.pr.${config.domain})`,
          path: ['domain'],
          host: `pr-{{number}}.pr.${config.domain}`,
          isDefault: true,
        },
  ];
}

type Clash = { host: RoutedHost; other: RoutedHost; shared: string };

function clashMessage({ host, other, shared }: Clash): string {
  const what = other.host.includes(NUMBER)
    ? `"${shared}" is also a pull request's host by ${other.name}`
    : host.host.includes(NUMBER)
      ? `the pull requests' hosts include "${shared}", which is already ${other.name}`
      : `"${shared}" is also ${other.name}`;
  return `${what}; Caddy would serve both on one host and one would take the other's traffic: give each a host of its own`;
}

/**
 * prenv.yml's routed hosts that collide, each reported at the key the user wrote (the later one
 * when both are written), naming the other.
 */
export function routedHostProblems(config: ParsedConfig): CrossFieldProblem[] {
  return hostClashes(configRoutedHosts(config)).map((found) => {
    const clash =
      found.host.isDefault && !found.other.isDefault
        ? { host: found.other, other: found.host, shared: found.shared }
        : found;
    return {
      path: clash.host.path ?? [],
      message: clashMessage(clash),
      ...(clash.other.path ? { other: clash.other.path } : {}),
    };
  });
}

/**
 * Whether the bot's webhook host collides with a host prenv.yml routes: `name` says where it was
 * set (`--host`, `PRENV_WEBHOOK_HOST`, or its default `prenv.<domain>`). The message, prefixed
 * with `name`, or null.
 */
export function webhookHostClash(config: ParsedConfig, host: string, name: string): string | null {
  const clash = hostClashes([...configRoutedHosts(config), { name, host }]).find(
    (c) => c.host.name === name,
  );
  return clash ? `${name}: ${clashMessage(clash)}` : null;
}
