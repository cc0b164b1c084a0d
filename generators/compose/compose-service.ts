/** Reading one Compose service in the specification's terms: extends, one-shots, images, commands, resources, dependencies. */
import { cpuMHz, memoryMiB, prenvName, splitCommand } from './compose-values.js';
import { environmentEntries } from './compose-env.js';
import { STATEFUL_IMAGE } from './compose-routes.js';
import { REASONS, type DroppedKey } from './dropped-keys.js';

/** One service of a Compose document, as parsed. */
export type ComposeService = Record<string, unknown>;

const PROXY_IMAGE =
  /(^|\/)(nginx|caddy|traefik|haproxy|certbot|nginx-proxy|acme-companion|letsencrypt-nginx-proxy-companion|swag)([:@]|$)/;
const ONLY_PROXY_IMAGE =
  /(^|\/)(traefik|haproxy|certbot|nginx-proxy|acme-companion|letsencrypt-nginx-proxy-companion|swag)([:@]|$)/;
const DEFAULT_PORTS: Record<string, number> = {
  postgres: 5432,
  postgis: 5432,
  timescaledb: 5432,
  mysql: 3306,
  mariadb: 3306,
  mongo: 27017,
  redis: 6379,
  valkey: 6379,
  memcached: 11211,
  rabbitmq: 5672,
  elasticsearch: 9200,
  opensearch: 9200,
  nats: 4222,
};

/**
 * `extends: { service: base }` within the same file, as Compose merges it (compose-spec
 * 05-services.md "extends"): the base's keys, the service's own keys on top, `environment`
 * merged by key. An `extends` naming another file stays and is reported.
 */
export function resolveExtends(
  services: Record<string, ComposeService>,
): Record<string, ComposeService> {
  const out: Record<string, ComposeService> = {};
  const resolve = (name: string, seen: Set<string>): ComposeService => {
    const done = out[name];
    if (done) return done;
    const svc = services[name] ?? {};
    const ext = svc.extends;
    const base =
      typeof ext === 'string'
        ? ext
        : (ext as { service?: string; file?: string } | undefined)?.file
          ? undefined
          : (ext as { service?: string } | undefined)?.service;
    if (!base || !services[base] || seen.has(base)) return svc;
    const parent = resolve(base, new Set([...seen, name]));
    const { extends: _, ...own } = svc;
    const environment = mergeEnvironment(parent.environment, own.environment);
    const merged: ComposeService = { ...parent, ...own, ...(environment ? { environment } : {}) };
    delete merged.container_name;
    return merged;
  };
  for (const name of Object.keys(services)) out[name] = resolve(name, new Set([name]));
  return out;
}

export function mergeEnvironment(
  parent: unknown,
  own: unknown,
): Record<string, string | undefined> | undefined {
  if (parent === undefined && own === undefined) return undefined;
  return Object.fromEntries([...environmentEntries(parent), ...environmentEntries(own)]);
}

/**
 * Services others wait for with `service_completed_successfully`, each → the carried service
 * whose group runs it as a prestart task: the first that waits for it, following a chain of
 * one-shots (init → migrate → app) to the service at its end. Proxies don't count as waiters.
 */
export function oneShotServices(
  active: string[],
  all: Record<string, ComposeService>,
  proxies: string[],
): Map<string, string> {
  const waiter = new Map<string, string>();
  for (const n of active.filter((a) => !proxies.includes(a))) {
    for (const [dep, condition] of conditions(all[n]?.depends_on)) {
      if (
        condition === 'service_completed_successfully' &&
        active.includes(dep) &&
        !waiter.has(dep)
      ) {
        waiter.set(dep, n);
      }
    }
  }
  const out = new Map<string, string>();
  for (const dep of waiter.keys()) {
    let owner = waiter.get(dep) as string;
    const seen = new Set([dep]);
    while (waiter.has(owner) && !seen.has(owner)) {
      seen.add(owner);
      owner = waiter.get(owner) as string;
    }
    if (!waiter.has(owner)) out.set(dep, owner);
  }
  return out;
}

/**
 * Services that may be a reverse proxy Caddy replaces: their image or name says nginx, caddy,
 * traefik, haproxy or a certificate helper. Whether one is dropped is `findProxies`' decision
 * (compose-proxies.ts): an nginx that serves the app is the app.
 */
export function mayBeProxy(name: string, svc: ComposeService): boolean {
  const image = typeof svc.image === 'string' ? svc.image : '';
  return (
    PROXY_IMAGE.test(image) || /^(nginx|caddy|traefik|proxy|reverse-proxy|certbot)$/.test(name)
  );
}

/** Images that only route or fetch certificates, and never serve an app of their own. */
export function isProxyOnly(name: string, svc: ComposeService): boolean {
  const image = typeof svc.image === 'string' ? svc.image : '';
  return ONLY_PROXY_IMAGE.test(image) || /^(traefik|certbot)$/.test(name);
}

/** Databases and caches often publish no port in Compose; other services still need to reach them. */
export function defaultPort(svc: ComposeService): number | undefined {
  const match = STATEFUL_IMAGE.exec(typeof svc.image === 'string' ? svc.image : '');
  return match?.[2] ? DEFAULT_PORTS[match[2]] : undefined;
}

export function healthTest(svc: ComposeService): unknown {
  return (svc.healthcheck as { test?: unknown } | undefined)?.test;
}

export function imageOf(
  svc: ComposeService,
  built: string,
  at: string,
  dropped: DroppedKey[],
): string {
  if (svc.build !== undefined) dropped.push({ path: `${at}.build`, reason: REASONS.build });
  if (typeof svc.image === 'string' && svc.image.length > 0) return svc.image;
  return built;
}

/**
 * The image CI should build for each service without `image`: `<project>/<service>:{{sha}}`,
 * shared by services that build the same context (a worker or migration of the app).
 */
export function builtImages(
  services: string[],
  all: Record<string, ComposeService>,
  project: string,
): Map<string, string> {
  const byBuild = new Map<string, string>();
  const out = new Map<string, string>();
  for (const n of services) {
    const build = JSON.stringify(all[n]?.build ?? null);
    const image = byBuild.get(build) ?? `${project}/${prenvName(n)}:{{sha}}`;
    if (all[n]?.build !== undefined && !byBuild.has(build)) byBuild.set(build, image);
    out.set(n, image);
  }
  return out;
}

export function commandOf(svc: ComposeService): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const entrypoint = splitCommand(svc.entrypoint);
  if (entrypoint && entrypoint.length > 0) out.entrypoint = entrypoint;
  const command = splitCommand(svc.command);
  if (command && command.length > 0) {
    out.command = command[0];
    if (command.length > 1) out.args = command.slice(1);
  }
  return out;
}

/** `deploy.resources` (limits over reservations: Nomad's memory is also the hard limit), `replicas`, `scale`, `mem_limit`, `cpus`. */
export function resourcesOf(
  svc: ComposeService,
  at: string,
  dropped: DroppedKey[],
): Record<string, unknown> {
  const d = (svc.deploy && typeof svc.deploy === 'object' ? svc.deploy : {}) as Record<
    string,
    unknown
  >;
  const out: Record<string, unknown> = {};
  const replicas =
    typeof d.replicas === 'number'
      ? d.replicas
      : typeof svc.scale === 'number'
        ? svc.scale
        : undefined;
  if (replicas !== undefined) out.count = { production: replicas, staging: 1, pr: 1 };
  const res = (d.resources ?? {}) as {
    limits?: Record<string, unknown>;
    reservations?: Record<string, unknown>;
  };
  const limits: Record<string, unknown> = {
    ...(svc.cpus !== undefined ? { cpus: svc.cpus } : {}),
    ...(svc.mem_limit !== undefined ? { memory: svc.mem_limit } : {}),
    ...res.reservations,
    ...res.limits,
  };
  const cpu = cpuMHz(limits.cpus);
  const memory = limits.memory === undefined ? undefined : memoryMiB(limits.memory);
  if (cpu !== undefined || memory !== undefined) {
    out.resources = {
      ...(cpu !== undefined ? { cpu } : {}),
      ...(memory !== undefined ? { memory } : {}),
    };
  }
  for (const key of Object.keys(d)) {
    if (key !== 'replicas' && key !== 'resources')
      dropped.push({ path: `${at}.deploy.${key}`, reason: REASONS.unsupported });
  }
  for (const key of Object.keys(res)) {
    if (key !== 'limits' && key !== 'reservations')
      dropped.push({ path: `${at}.deploy.resources.${key}`, reason: REASONS.unsupported });
  }
  for (const [key, value] of Object.entries({ ...res.reservations, ...res.limits })) {
    if (key !== 'cpus' && key !== 'memory' && value !== undefined)
      dropped.push({ path: `${at}.deploy.resources.${key}`, reason: REASONS.unsupported });
  }
  return out;
}

export function dependsOn(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (value && typeof value === 'object') return Object.keys(value);
  return [];
}

/** `depends_on` as [service, condition] pairs; the short form means `service_started`. */
export function conditions(value: unknown): [string, string][] {
  if (Array.isArray(value)) return value.map((d) => [String(d), 'service_started']);
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, { condition?: string }>).map(([d, v]) => [
      d,
      v?.condition ?? 'service_started',
    ]);
  }
  return [];
}

export function networkAliases(networks: unknown): string[] {
  if (!networks || typeof networks !== 'object' || Array.isArray(networks)) return [];
  return Object.values(networks as Record<string, { aliases?: unknown } | null>).flatMap((n) =>
    asList(n?.aliases).map(String),
  );
}

export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
