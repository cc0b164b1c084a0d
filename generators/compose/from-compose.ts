import { httpHealthCheck, prenvName } from './compose-values.js';
import { convertEnvironment, environmentEntries } from './compose-env.js';
import { LiteralSecretNames } from './compose-secrets.js';
import { isSecretVariable, SECRET_NAME } from './interpolate-compose.js';
import { isLoopback, isPublicTcp, type PortSpec } from './compose-ports.js';
import { chooseApp, notHttp, routesFromProxy, type ChosenRoute } from './compose-routes.js';
import { findProxies } from './compose-proxies.js';
import { convertVolumes, parseVolume } from './compose-volumes.js';
import {
  HANDLED_SERVICE_KEYS,
  REASONS,
  SERVICE_REASONS,
  TOP_LEVEL_REASONS,
  type DroppedKey,
} from './dropped-keys.js';
import { serviceAddresses } from './compose-addresses.js';
import type { ComposeInput } from './compose-input.js';
import {
  asList,
  builtImages,
  commandOf,
  conditions,
  dependsOn,
  healthTest,
  imageOf,
  oneShotServices,
  resolveExtends,
  resourcesOf,
  type ComposeService,
} from './compose-service.js';
import { envFileSecretRefs, withEnvFiles } from './compose-env-files.js';
import { prestartTask } from './compose-prestart.js';

export interface ComposeImportOptions {
  project: string;
  github: { owner: string; repo: string };
  domain: string;
  /** Compose profiles to include (`--profile`); services of other profiles are skipped. */
  profiles?: readonly string[];
}

export type { ComposeInput } from './compose-input.js';

export interface ComposeImport {
  /** A raw prenv.yml document, to be serialised and then validated by the config loader. */
  config: Record<string, unknown>;
  dropped: DroppedKey[];
  /** What was carried in a way worth knowing, one line each, prefixed by the service. */
  notes: string[];
  routes: ChosenRoute[];
  /** Why no service got a public route, when none did. */
  noRoute?: string;
  secrets: { service: string; name: string; reason: string }[];
  /** Services left out on purpose (profiles), with why. */
  skipped: { service: string; reason: string }[];
  /** Errors that stop the import, at Compose key paths. */
  problems: { path: (string | number)[]; message: string }[];
}

/** What prenv.yml accepts as a route or health path (bot/config/schema.ts). */
const URL_PATH = /^\/[A-Za-z0-9._~\-/]*$/;
/**
 * Turns a Compose document into a prenv.yml document and a truthful report: every key not
 * carried is in `dropped` once with its reason, what was carried differently is in `notes`,
 * and `problems` stop the import (e.g. two services that normalise to one name).
 */
export function importCompose(input: ComposeInput, options: ComposeImportOptions): ComposeImport {
  const doc = input.compose;
  const all = resolveExtends((doc.services ?? {}) as Record<string, ComposeService>);
  const result: ComposeImport = {
    config: {},
    dropped: [],
    notes: [],
    routes: [],
    secrets: [],
    skipped: [],
    problems: [],
  };
  const { dropped, notes } = result;

  const profiles = new Set(options.profiles ?? []);
  const active = Object.keys(all).filter((n) => {
    const own = asList(all[n]?.profiles).map(String);
    if (own.length === 0 || own.some((p) => profiles.has(p))) return true;
    result.skipped.push({
      service: n,
      reason: `in profile ${own.join(', ')}; pass --profile ${own[0]} to include it`,
    });
    return false;
  });
  const svcOf = (n: string): ComposeService => all[n] ?? {};

  const decision = findProxies(active, all, input.proxyConfigs);
  const proxies = active.filter((n) => decision.proxies.has(n));
  for (const [n, why] of decision.kept) notes.push(`${prenvName(n)}: ${why}`);
  const oneShots = oneShotServices(active, all, proxies);
  const carried = active.filter((n) => !proxies.includes(n) && !oneShots.has(n));
  const names = new Map(active.map((n) => [n, prenvName(n)]));
  const images = builtImages(active, all, options.project);
  checkNames(
    active.filter((n) => !proxies.includes(n)),
    names,
    result,
  );
  if (result.problems.length > 0) return result;

  const { book, specs, nginx, traefik } = serviceAddresses({
    all,
    active,
    carried,
    proxies,
    names,
    proxyConfigs: input.proxyConfigs,
  });
  const { hosts, ports } = book;

  // Routes: the proxy's config when it is readable, else the service a user would expect.
  const routes: ChosenRoute[] = [];
  for (const [proxy, files] of nginx) {
    for (const f of files) routes.push(...routesFromProxy(proxy, f.file, f.routes, hosts, notes));
  }
  for (const [n, t] of traefik) {
    for (const path of t.paths) {
      if (routes.some((r) => r.path === path)) continue;
      routes.push({
        service: names.get(n) as string,
        path,
        why: `its traefik labels route ${path === '/' ? 'its host' : path} to it`,
      });
    }
  }
  if (routes.length === 0) {
    const behind = proxies.length
      ? proxies.flatMap((p) => (decision.upstreams.get(p) ?? []).map((d) => names.get(d) ?? d))
      : undefined;
    const app = chooseApp(
      carried.map((n) => ({
        service: names.get(n) as string,
        image: String(svcOf(n).image ?? ''),
        port: ports.get(names.get(n) as string),
        publicPorts: (specs.get(n) ?? []).filter(isPublicTcp).map((p) => p.target),
        loopbackPorts: (specs.get(n) ?? [])
          .filter((p) => p.protocol === 'tcp' && isLoopback(p))
          .map((p) => p.target),
      })),
      behind,
    );
    if (app) routes.push(app);
    else if (proxies.length > 0) {
      notes.push(
        `${proxies.join(', ')}: no upstream found (no readable nginx config, no depends_on on a service with a port); add \`route:\` in prenv.yml`,
      );
    }
  }
  const imageOfName = new Map(carried.map((n) => [names.get(n), String(svcOf(n).image ?? '')]));
  const refusals: string[] = [];
  result.routes = routes.filter((r) => {
    const refused = notHttp(imageOfName.get(r.service) ?? '', ports.get(r.service));
    if (refused) {
      notes.push(`${r.service}: no public route ${r.path}: ${refused}`);
      refusals.push(`${r.service}: ${refused}`);
      return false;
    }
    if (!URL_PATH.test(r.path)) {
      notes.push(`${r.service}: route ${r.path} is not a plain URL path; not carried`);
      return false;
    }
    if (!ports.has(r.service)) {
      notes.push(`${r.service}: route ${r.path} needs a port, and none is known; not carried`);
      return false;
    }
    return true;
  });

  const secretNames = literalSecretNames([...carried, ...oneShots.keys()], svcOf, names, input);
  if (result.routes.length === 0) {
    for (const n of carried) {
      const name = names.get(n) as string;
      const published = (specs.get(n) ?? []).filter(isPublicTcp).map((p) => p.target);
      const why =
        published.length > 0 ? notHttp(String(svcOf(n).image ?? ''), ports.get(name)) : undefined;
      if (why && !refusals.some((r) => r.startsWith(`${name}:`))) {
        refusals.push(`${name} publishes ${published.join(', ')}, but ${why}`);
      }
    }
    result.noRoute =
      refusals.length > 0
        ? `no service speaks HTTP to the public: ${refusals.join('; ')}`
        : 'no service publishes a web port';
  }
  const volumeOwners = new Map<string, string>();
  // Named volumes in use, by any service (a dropped proxy's mounts are reported with it).
  const usedVolumes = new Set<string>();
  for (const n of active) {
    for (const item of asList(svcOf(n).volumes)) {
      const v = parseVolume(item);
      if (v?.type === 'volume' && v.source) usedVolumes.add(v.source);
    }
  }
  const out: Record<string, Record<string, unknown>> = {};
  for (const n of carried) {
    const svc = svcOf(n);
    const name = names.get(n) as string;
    const at = `services.${n}`;
    const say = (text: string) => notes.push(`${name}: ${text}`);
    const entry: Record<string, unknown> = {
      image: imageOf(svc, images.get(n) as string, at, dropped),
    };
    const port = ports.get(name);
    if (port !== undefined) entry.port = port;
    reportPorts(
      at,
      specs.get(n) ?? [],
      port,
      routes.some((r) => r.service === name),
      dropped,
    );

    const check = httpHealthCheck(healthTest(svc));
    const disabled = (svc.healthcheck as { disable?: unknown } | undefined)?.disable === true;
    if (
      check &&
      port !== undefined &&
      (check.port === undefined || check.port === port) &&
      URL_PATH.test(check.path)
    ) {
      entry.health = check.path;
    } else if (svc.healthcheck !== undefined && !disabled) {
      dropped.push({
        path: `${at}.healthcheck`,
        reason: port === undefined ? REASONS.healthcheckNoPort : REASONS.healthcheck,
      });
    }
    const mine = result.routes.filter((r) => r.service === name);
    if (mine.length > 0) {
      const list = mine.map((r) => ({
        path: r.path,
        ...(r.websocket ? { websocket: true } : {}),
        ...(r.maxBody ? { max_body: r.maxBody } : {}),
      }));
      entry.route = list.length === 1 ? list[0] : list;
    }

    const env = convertEnvironment(
      withEnvFiles(n, svc, input, dropped, say),
      book,
      [...(input.secretRefs ?? []), ...envFileSecretRefs(n, input)],
      { service: name, names: secretNames },
    );
    if (Object.keys(env.env).length > 0) entry.env = env.env;
    if (env.secrets.length > 0) entry.secrets = env.secrets.map((s) => s.name);
    env.secrets.forEach((s) => result.secrets.push({ service: name, ...s }));
    env.notes.forEach(say);

    Object.assign(entry, commandOf(svc));
    Object.assign(entry, resourcesOf(svc, at, dropped));
    const volumeNotes: string[] = [];
    const volumes = convertVolumes(svc.volumes, at, dropped, volumeNotes, (wanted) => {
      // Host volumes are per node and named per project: one name per service's data.
      const owner = volumeOwners.get(wanted);
      const unique =
        owner === undefined || owner === name ? wanted : prenvName(`${name}-${wanted}`);
      volumeOwners.set(unique, name);
      return unique;
    });
    volumeNotes.forEach(say);
    if (volumes.length > 0) entry.volumes = volumes;
    if (svc.tmpfs !== undefined) dropped.push({ path: `${at}.tmpfs`, reason: REASONS.tmpfs });

    const deps = dependsOn(svc.depends_on);
    const kept = deps.filter((d) => carried.includes(d)).map((d) => names.get(d) as string);
    if (kept.length > 0) entry.depends_on = kept;
    if (
      conditions(svc.depends_on).some(([d, c]) => c === 'service_healthy' && carried.includes(d))
    ) {
      dropped.push({ path: `${at}.depends_on.condition`, reason: REASONS.dependsOnHealthy });
    }
    const prestart = [...oneShots.keys()].filter((d) => oneShots.get(d) === n);
    for (const d of prestart) {
      const waits = conditions(svcOf(d).depends_on);
      if (waits.some(([dep, c]) => c === 'service_healthy' && carried.includes(dep))) {
        dropped.push({
          path: `services.${d}.depends_on.condition`,
          reason: REASONS.prestartHealthy,
        });
      }
    }
    if (prestart.length > 0) {
      entry.prestart = Object.fromEntries(
        prestart.map((d) => [
          names.get(d) as string,
          prestartTask(d, svcOf(d), book, input, images.get(d) as string, result, secretNames),
        ]),
      );
      for (const d of prestart) {
        say(
          `${names.get(d)} runs to completion before ${name} starts, on every deploy (a Nomad prestart task)`,
        );
      }
      if (prestart.length > 1) {
        say(
          `Nomad runs the prestart tasks ${prestart.map((d) => names.get(d)).join(', ')} at the same time, not one after another`,
        );
      }
    }

    if (traefik.has(n)) dropped.push({ path: `${at}.labels`, reason: REASONS.traefikLabels });
    for (const key of Object.keys(svc)) {
      if (HANDLED_SERVICE_KEYS.has(key) || key.startsWith('x-')) continue;
      if (key === 'labels' && traefik.has(n)) continue;
      dropped.push({ path: `${at}.${key}`, reason: SERVICE_REASONS[key] ?? REASONS.unsupported });
    }
    out[name] = entry;
  }
  for (const p of proxies) dropProxy(p, svcOf(p), decision.proxies.get(p) as string, dropped);
  for (const d of oneShots.keys()) {
    for (const key of Object.keys(svcOf(d))) {
      if (key === 'restart')
        dropped.push({ path: `services.${d}.${key}`, reason: REASONS.restart });
    }
  }

  for (const key of Object.keys(doc)) {
    if (key === 'services' || key === 'name' || key.startsWith('x-')) continue;
    if (key === 'volumes') {
      const declared = Object.keys((doc.volumes ?? {}) as object);
      for (const v of declared.filter((v) => !usedVolumes.has(v))) {
        dropped.push({ path: `volumes.${v}`, reason: REASONS.unusedVolume });
      }
      continue;
    }
    dropped.push({ path: key, reason: TOP_LEVEL_REASONS[key] ?? REASONS.unsupported });
  }

  if (Object.keys(out).length === 0) {
    result.problems.push({
      path: ['services'],
      message: `no service to carry over: ${active.length === 0 ? 'every service is behind a profile (pass --profile)' : 'every service is a reverse proxy or a one-shot task'}`,
    });
  }
  result.config = {
    project: options.project,
    github: options.github,
    domain: options.domain,
    services: out,
  };
  return result;
}

/**
 * Consul KV names for the literal secrets of every carried service and prestart task, chosen
 * before any is converted so that a password inside one service's URL finds the name of the
 * secret-named value it equals in a service later in the file.
 */
function literalSecretNames(
  services: readonly string[],
  svcOf: (n: string) => ComposeService,
  names: ReadonlyMap<string, string>,
  input: ComposeInput,
): LiteralSecretNames {
  const out = new LiteralSecretNames();
  out.reserve((input.secretRefs ?? []).map((r) => r.variable));
  for (const n of services) out.reserve(envFileSecretRefs(n, input).map((r) => r.variable));
  for (const n of services) {
    for (const [key, raw] of environmentEntries(svcOf(n).environment)) {
      if (raw === undefined || raw.includes('{{secret.')) continue;
      if (SECRET_NAME.test(key) && isSecretVariable(key, raw)) {
        out.nameFor(names.get(n) ?? n, key, raw);
      }
    }
  }
  return out;
}

/**
 * A dropped proxy is reported once, with why it is one and what of it is not carried: its
 * other keys, each mount, and its environment entries by name (never their values).
 */
function dropProxy(p: string, svc: ComposeService, why: string, dropped: DroppedKey[]): void {
  const parts: string[] = [];
  for (const key of Object.keys(svc)) {
    if (['image', 'depends_on', 'profiles'].includes(key) || key.startsWith('x-')) continue;
    if (key === 'environment') {
      const env = environmentEntries(svc.environment).map(([name]) => name);
      if (env.length > 0) parts.push(`environment ${env.join(', ')}`);
    } else if (key === 'volumes') {
      const mounts = asList(svc.volumes)
        .map(parseVolume)
        .map((v) =>
          v ? `${v.source || 'an anonymous volume'} at ${v.target}` : 'an unreadable entry',
        );
      if (mounts.length > 0) parts.push(`volumes ${mounts.join(', ')}`);
    } else {
      parts.push(key);
    }
  }
  const rest = parts.length > 0 ? `; not carried with it: ${parts.join('; ')}` : '';
  dropped.push({ path: `services.${p}`, reason: `${REASONS.proxy} (${why})${rest}` });
}

function checkNames(services: string[], names: Map<string, string>, result: ComposeImport): void {
  const byName = new Map<string, string[]>();
  for (const n of services) {
    const name = names.get(n) as string;
    byName.set(name, [...(byName.get(name) ?? []), n]);
  }
  for (const [name, group] of byName) {
    if (group.length < 2) continue;
    result.problems.push({
      path: ['services', group[1] as string],
      message: `services ${group.map((g) => `"${g}"`).join(' and ')} both become "${name}" in prenv.yml (Nomad group and Consul service names allow only a-z, 0-9 and "-"); rename one`,
    });
  }
}

function reportPorts(
  at: string,
  specs: PortSpec[],
  port: number | undefined,
  routed: boolean,
  dropped: DroppedKey[],
): void {
  specs.forEach((spec, i) => {
    const key = `${at}.${spec.publishes ? 'ports' : 'expose'}`;
    if (spec.protocol !== 'tcp') {
      dropped.push({ path: `${key}.${i}`, reason: REASONS.udp });
    } else if (spec.target !== port) {
      // Indexed like a UDP entry: the service's port itself may be listed under `ports` too.
      dropped.push({ path: `${key}.${i}`, reason: REASONS.extraPorts });
    } else if (spec.publishes && isLoopback(spec) && !routed) {
      dropped.push({ path: key, reason: REASONS.loopback });
    } else if (spec.publishes && !routed && !isLoopback(spec)) {
      dropped.push({ path: key, reason: REASONS.unrouted });
    }
  });
}
