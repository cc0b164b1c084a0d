import {
  containerPort,
  cpuMHz,
  healthPath,
  memoryMiB,
  prenvName,
  splitCommand,
} from './compose-values.js';
import { convertEnvironment } from './compose-env.js';
import { REASONS, type DroppedKey } from './dropped-keys.js';
import { convertVolumes } from './compose-volumes.js';

export interface ComposeImportOptions {
  project: string;
  github: { owner: string; repo: string };
  domain: string;
}

export interface ComposeImport {
  /** A raw prenv.yml document, to be serialised and then validated by the config loader. */
  config: Record<string, unknown>;
  dropped: DroppedKey[];
  notes: string[];
}

type ComposeService = Record<string, unknown>;

const PROXY_IMAGE =
  /(^|\/)(nginx|caddy|traefik|haproxy|certbot|nginx-proxy|acme-companion|letsencrypt)(:|@|$)/;
const STATEFUL_IMAGE =
  /(^|\/)(postgres|postgis|mysql|mariadb|mongo|redis|valkey|memcached|rabbitmq)(:|@|$)/;
const DEFAULT_PORTS: Record<string, number> = {
  postgres: 5432,
  postgis: 5432,
  mysql: 3306,
  mariadb: 3306,
  mongo: 27017,
  redis: 6379,
  valkey: 6379,
  memcached: 11211,
  rabbitmq: 5672,
};
const HANDLED = new Set([
  'image',
  'build',
  'ports',
  'expose',
  'environment',
  'env_file',
  'command',
  'entrypoint',
  'healthcheck',
  'deploy',
  'volumes',
  'depends_on',
  'restart',
  'container_name',
  'networks',
]);

/** Turns a parsed Compose document into a prenv.yml document and a list of what it left out. */
export function importCompose(compose: unknown, options: ComposeImportOptions): ComposeImport {
  const doc = (compose && typeof compose === 'object' ? compose : {}) as Record<string, unknown>;
  const services = (doc.services ?? {}) as Record<string, ComposeService>;
  const dropped: DroppedKey[] = [];
  const notes: string[] = [];
  for (const key of Object.keys(doc)) {
    if (key === 'version') dropped.push({ path: key, reason: REASONS.version });
    else if (key === 'volumes') dropped.push({ path: key, reason: REASONS.topVolumes });
    else if (key === 'networks') dropped.push({ path: key, reason: REASONS.networks });
    else if (key !== 'services' && key !== 'name')
      dropped.push({ path: key, reason: REASONS.unsupported });
  }

  const proxies = Object.keys(services).filter((n) => isProxy(n, services[n] ?? {}));
  const apps = Object.keys(services).filter((n) => !proxies.includes(n));
  const names = new Map(apps.map((n) => [n, prenvName(n)]));
  const ports = new Map<string, number>();
  for (const n of apps) {
    const port = firstPort(services[n] ?? {}) ?? defaultPort(services[n] ?? {});
    if (port !== undefined) ports.set(n, port);
  }
  const routed = routedServices(apps, proxies, services, ports);

  const out: Record<string, unknown> = {};
  for (const name of apps) {
    const svc = services[name] ?? {};
    const at = `services.${name}`;
    const result: Record<string, unknown> = {};
    result.image = imageOf(name, svc, options.project, at, dropped);
    const port = ports.get(name);
    if (port !== undefined) result.port = port;
    const extra = [...asList(svc.ports), ...asList(svc.expose)].length;
    if (extra > 1) dropped.push({ path: `${at}.ports`, reason: REASONS.extraPorts });
    const health = healthPath((svc.healthcheck as { test?: unknown } | undefined)?.test);
    if (svc.healthcheck !== undefined && (health === undefined || port === undefined)) {
      dropped.push({ path: `${at}.healthcheck`, reason: REASONS.healthcheck });
    } else if (health !== undefined) result.health = health;
    const route = routed.get(name);
    if (route) result.route = { path: route };

    const env = convertEnvironment(svc.environment, names, ports);
    if (Object.keys(env.env).length > 0) result.env = env.env;
    if (env.secrets.length > 0) result.secrets = env.secrets;
    notes.push(...env.notes.map((n) => `${name}: ${n}`));
    if (svc.env_file !== undefined)
      dropped.push({ path: `${at}.env_file`, reason: REASONS.envFile });

    const entrypoint = splitCommand(svc.entrypoint);
    if (entrypoint && entrypoint.length > 0) result.entrypoint = entrypoint;
    const command = splitCommand(svc.command);
    if (command && command.length > 0) {
      result.command = command[0];
      if (command.length > 1) result.args = command.slice(1);
    }
    Object.assign(result, deployOf(svc.deploy, at, dropped));
    const volumes = convertVolumes(svc.volumes, at, dropped);
    if (volumes.length > 0) result.volumes = volumes;
    const deps = dependsOn(svc.depends_on)
      .filter((d) => names.has(d))
      .map((d) => names.get(d) as string);
    if (deps.length > 0) result.depends_on = deps;
    if (svc.restart !== undefined) dropped.push({ path: `${at}.restart`, reason: REASONS.restart });
    if (svc.container_name !== undefined)
      dropped.push({ path: `${at}.container_name`, reason: REASONS.containerName });
    if (svc.networks !== undefined)
      dropped.push({ path: `${at}.networks`, reason: REASONS.networks });
    for (const key of Object.keys(svc)) {
      if (!HANDLED.has(key)) dropped.push({ path: `${at}.${key}`, reason: REASONS.unsupported });
    }
    out[names.get(name) as string] = result;
  }
  for (const name of proxies) dropped.push({ path: `services.${name}`, reason: REASONS.proxy });

  const config: Record<string, unknown> = {
    project: options.project,
    github: options.github,
    domain: options.domain,
    services: out,
  };
  return { config, dropped, notes };
}

function isProxy(name: string, svc: ComposeService): boolean {
  const image = typeof svc.image === 'string' ? svc.image : '';
  return PROXY_IMAGE.test(image) || /^(nginx|caddy|traefik|proxy|certbot)$/.test(name);
}

/** Databases and caches often publish no port in Compose; other services still need to reach them. */
function defaultPort(svc: ComposeService): number | undefined {
  const match = STATEFUL_IMAGE.exec(typeof svc.image === 'string' ? svc.image : '');
  return match?.[2] ? DEFAULT_PORTS[match[2]] : undefined;
}

function firstPort(svc: ComposeService): number | undefined {
  for (const spec of [...asList(svc.ports), ...asList(svc.expose)]) {
    const port = containerPort(spec);
    if (port !== undefined) return port;
  }
  return undefined;
}

/** Services a proxy pointed at (or, without a proxy, services with published non-database ports) get routes. */
function routedServices(
  apps: string[],
  proxies: string[],
  services: Record<string, ComposeService>,
  ports: Map<string, number>,
): Map<string, string> {
  const behindProxy = new Set(proxies.flatMap((p) => dependsOn(services[p]?.depends_on)));
  const candidates = apps.filter((n) => {
    if (!ports.has(n)) return false;
    if (behindProxy.size > 0) return behindProxy.has(n);
    const image = String(services[n]?.image ?? '');
    return !STATEFUL_IMAGE.test(image) && asList(services[n]?.ports).length > 0;
  });
  return new Map(candidates.map((n, i) => [n, i === 0 ? '/' : `/${prenvName(n)}`]));
}

function imageOf(
  name: string,
  svc: ComposeService,
  project: string,
  at: string,
  dropped: DroppedKey[],
): string {
  if (svc.build !== undefined) dropped.push({ path: `${at}.build`, reason: REASONS.build });
  if (typeof svc.image === 'string' && svc.image.length > 0) return svc.image;
  return `${project}/${prenvName(name)}:{{sha}}`;
}

function deployOf(deploy: unknown, at: string, dropped: DroppedKey[]): Record<string, unknown> {
  if (!deploy || typeof deploy !== 'object') return {};
  const d = deploy as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  if (typeof d.replicas === 'number') result.count = { production: d.replicas, staging: 1, pr: 1 };
  const res = (d.resources ?? {}) as {
    limits?: Record<string, unknown>;
    reservations?: Record<string, unknown>;
  };
  const limits = { ...res.reservations, ...res.limits };
  const cpu = cpuMHz(limits.cpus);
  const memory = limits.memory === undefined ? undefined : memoryMiB(limits.memory);
  if (cpu !== undefined || memory !== undefined) {
    result.resources = {
      ...(cpu !== undefined ? { cpu } : {}),
      ...(memory !== undefined ? { memory } : {}),
    };
  }
  for (const key of Object.keys(d)) {
    if (key !== 'replicas' && key !== 'resources')
      dropped.push({ path: `${at}.deploy.${key}`, reason: REASONS.unsupported });
  }
  return result;
}

function dependsOn(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (value && typeof value === 'object') return Object.keys(value);
  return [];
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
