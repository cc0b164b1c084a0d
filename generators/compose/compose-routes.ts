import type { NginxRoutes } from './nginx-upstreams.js';

/** A public route chosen for a Compose service, and why, for the report. */
export interface ChosenRoute {
  service: string;
  path: string;
  websocket?: boolean;
  maxBody?: string;
  why: string;
}

/** What the route choice knows about one carried service. */
export interface RouteCandidate {
  service: string;
  image: string;
  port: number | undefined;
  /** Container ports published to every address over TCP. */
  publicPorts: number[];
  /** Container ports published over TCP to a loopback address only (for a proxy on the host). */
  loopbackPorts?: number[];
}

/** Images of admin tools, emulators and mail catchers: never the app, even when they publish a port. */
const NOT_THE_APP =
  /(^|\/)(adminer|pgadmin4?|phpmyadmin|mongo-express|redis-commander|redisinsight|localstack|mailhog|mailpit|maildev|portainer|dozzle|flower|kafka-ui|kafdrop|rabbitmq:.*management|swagger-ui|minio)([:@]|$)/;
/** Images whose published port is a database, cache or broker, not a web page. */
export const STATEFUL_IMAGE =
  /(^|\/)(postgres|postgresql|postgis|timescaledb|mysql|mariadb|percona|mongo|mongodb|redis|valkey|keydb|dragonfly|memcached|rabbitmq|elasticsearch|opensearch|clickhouse-server|influxdb|nats|kafka|zookeeper|etcd|cassandra|scylla|neo4j|couchdb|cockroach|mssql\/server)([:@]|$)/;
/**
 * Container ports of well-known non-HTTP protocols (IANA registry and the images' docs):
 * PostgreSQL, MySQL, Redis, MongoDB, memcached, AMQP, NATS, ZooKeeper, Kafka, etcd, SQL
 * Server, Oracle, Cassandra, Neo4j Bolt, SMTP, SSH. A service reached only on one of these is
 * never given a public HTTP route, whatever its image.
 */
const NOT_HTTP_PORTS = new Set([
  5432, 3306, 6379, 27017, 11211, 5672, 4222, 2181, 9092, 2379, 1433, 1521, 9042, 7687, 25, 587,
  1025, 22,
]);
/** Ports web apps and their front ends publish, most likely first. */
const WEB_PORTS = [80, 443, 3000, 8000, 8080, 5000, 4000, 8888, 3001, 5173, 8081, 9000];
const APP_NAMES = /^(app|web|www|frontend|front|ui|site|server|api|backend)$/;

/**
 * Why a public HTTP route to this service would be wrong, or undefined when it may get one:
 * its image is a database, cache or broker, or its port speaks another protocol.
 */
export function notHttp(image: string, port: number | undefined): string | undefined {
  const store = STATEFUL_IMAGE.exec(image)?.[2];
  if (store) {
    return `${image} is a database, cache or broker (${store}), not a web server; a public route would expose it to the internet`;
  }
  if (port !== undefined && NOT_HTTP_PORTS.has(port)) {
    return `its port ${port} is a well-known non-HTTP port (a database, cache, broker, mail or SSH); a public route would expose it to the internet`;
  }
  return undefined;
}

/**
 * Routes from the reverse proxy's config: each `location` whose `proxy_pass` names a carried
 * service becomes a route of that service (WebSocket when the location upgrades, the body
 * limit from `client_max_body_size`). Sizes are written in MiB, as nginx counts them.
 */
export function routesFromProxy(
  proxy: string,
  file: string,
  nginx: NginxRoutes,
  hosts: ReadonlyMap<string, string>,
  notes: string[],
): ChosenRoute[] {
  const out: ChosenRoute[] = [];
  const maxBody =
    nginx.maxBodyBytes === undefined
      ? undefined
      : `${Math.ceil(nginx.maxBodyBytes / 1024 ** 2)}MiB`;
  for (const loc of nginx.locations) {
    const service = hosts.get(loc.host);
    if (!service) {
      notes.push(
        `${proxy}: ${file} sends ${loc.path} to ${loc.host}, which is not a service here; not routed`,
      );
      continue;
    }
    if (out.some((r) => r.path === loc.path)) continue;
    if (loc.rewritesPath) {
      notes.push(
        `${proxy}: ${file} strips ${loc.path} before passing to ${loc.host}; Caddy passes the full path, so ${service} must serve under ${loc.path}`,
      );
    }
    out.push({
      service,
      path: loc.path,
      ...(loc.websocket ? { websocket: true } : {}),
      ...(maxBody ? { maxBody } : {}),
      why: `${proxy}'s ${file} sends ${loc.path} to ${loc.host}${loc.port ? `:${loc.port}` : ''}`,
    });
  }
  for (const f of nginx.files) {
    notes.push(
      `${proxy}: ${file} serves ${f.path} from files in the proxy's container (${f.from}); Caddy does not serve them: have the app serve ${f.path} or build an image that does`,
    );
  }
  for (const skipped of nginx.skipped) {
    notes.push(`${proxy}: ${file} has "${skipped}"; regular-expression locations are not carried`);
  }
  return out;
}

/**
 * The service that gets `/` when no proxy config says: among the proxy's upstreams if there
 * is a proxy, else among the services that publish a TCP port to every address. Admin tools,
 * emulators and databases are never chosen. The best-known web port wins, then an app-like
 * name, then the order of the Compose file.
 */
export function chooseApp(
  candidates: readonly RouteCandidate[],
  behindProxy: readonly string[] | undefined,
): ChosenRoute | undefined {
  const pool = candidates.filter((c) => {
    if (c.port === undefined || NOT_THE_APP.test(c.image) || notHttp(c.image, c.port)) return false;
    if (behindProxy) return behindProxy.includes(c.service);
    return c.publicPorts.some((p) => !NOT_HTTP_PORTS.has(p));
  });
  const score = (c: RouteCandidate) => {
    const ports = behindProxy
      ? [c.port as number]
      : c.publicPorts.filter((p) => !NOT_HTTP_PORTS.has(p));
    const best = Math.min(...ports.map((p) => (WEB_PORTS.includes(p) ? WEB_PORTS.indexOf(p) : 99)));
    return best * 2 + (APP_NAMES.test(c.service) ? 0 : 1);
  };
  const ranked = pool.map((c, i) => ({ c, i, s: score(c) })).sort((a, b) => a.s - b.s || a.i - b.i);
  const chosen = ranked[0]?.c;
  if (!chosen) return behindProxy ? undefined : behindHostProxy(candidates);
  const why = behindProxy
    ? `the proxy forwards to it (depends_on) and it listens on ${chosen.port}`
    : pool.length === 1
      ? `the only service that publishes a web port (${chosen.port})`
      : `it publishes ${chosen.port}, the most likely web port among ${pool.map((c) => c.service).join(', ')}`;
  return { service: chosen.service, path: '/', why };
}

/**
 * When no service publishes to every address, a file written for a reverse proxy on the host
 * binds the app to loopback (`127.0.0.1:8000:8000`): Caddy is that proxy now. Only a
 * well-known web port counts, so a loopback database or admin port never becomes public.
 */
function behindHostProxy(candidates: readonly RouteCandidate[]): ChosenRoute | undefined {
  const ranked = candidates
    .filter((c) => c.port !== undefined && !NOT_THE_APP.test(c.image) && !notHttp(c.image, c.port))
    .flatMap((c, i) =>
      (c.loopbackPorts ?? [])
        .filter((p) => p === c.port && WEB_PORTS.includes(p))
        .map((p) => ({ c, i, s: WEB_PORTS.indexOf(p) * 2 + (APP_NAMES.test(c.service) ? 0 : 1) })),
    )
    .sort((a, b) => a.s - b.s || a.i - b.i);
  const chosen = ranked[0]?.c;
  if (!chosen) return undefined;
  return {
    service: chosen.service,
    path: '/',
    why: `no service publishes a web port to every address; ${chosen.service} publishes ${chosen.port} to loopback for a reverse proxy on the host, which Caddy replaces`,
  };
}

/** What Traefik's Docker labels on a service say: the paths its routers match and its port. */
export interface TraefikLabels {
  paths: string[];
  port?: number;
}

/**
 * Routes from Traefik's Docker provider labels (doc.traefik.io "Docker provider, routing"):
 * `traefik.http.routers.R.rule` (its `PathPrefix`/`Path` values, or `/` for a Host-only rule)
 * and `traefik.http.services.S.loadbalancer.server.port`. Undefined without router labels.
 */
export function traefikLabels(labels: unknown): TraefikLabels | undefined {
  const entries: [string, string][] = Array.isArray(labels)
    ? labels.map((l) => {
        const text = String(l);
        const eq = text.indexOf('=');
        return [text.slice(0, eq < 0 ? undefined : eq), eq < 0 ? '' : text.slice(eq + 1)];
      })
    : labels && typeof labels === 'object'
      ? Object.entries(labels).map(([k, v]) => [k, String(v)])
      : [];
  const rules = entries.filter(([k]) => /^traefik\.http\.routers\.[^.]+\.rule$/.test(k));
  if (rules.length === 0) return undefined;
  const paths = new Set<string>();
  for (const [, rule] of rules) {
    const found = [...rule.matchAll(/\b(?:PathPrefix|Path)\(\s*[`"']([^`"']+)[`"']/g)].map((m) =>
      (m[1] ?? '/').replace(/(.)\/+$/, '$1'),
    );
    if (found.length === 0) paths.add('/');
    found.forEach((p) => paths.add(p));
  }
  const port = entries.find(([k]) =>
    /^traefik\.http\.services\.[^.]+\.loadbalancer\.server\.port$/.test(k),
  );
  return { paths: [...paths], ...(port && Number(port[1]) > 0 ? { port: Number(port[1]) } : {}) };
}
