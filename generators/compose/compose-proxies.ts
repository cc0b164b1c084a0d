/** Which services of a Compose file are reverse proxies that Caddy replaces, and why. */
import { parseExpose, parsePort, type PortSpec } from './compose-ports.js';
import { notHttp } from './compose-routes.js';
import {
  asList,
  defaultPort,
  dependsOn,
  isProxyOnly,
  mayBeProxy,
  networkAliases,
  type ComposeService,
} from './compose-service.js';
import { parseVolume } from './compose-volumes.js';
import { nginxRoutes } from './nginx-upstreams.js';

export interface ProxyDecision {
  /** Compose services dropped as reverse proxies, each → why it is one. */
  proxies: Map<string, string>;
  /** Each proxy's HTTP upstreams (Compose service names): from its config, else its depends_on. */
  upstreams: Map<string, string[]>;
  /** Services that looked like a proxy and are kept, each → why. */
  kept: Map<string, string>;
}

/** Where the nginx and Caddy images serve files from (their Docker Hub docs). */
const CONTENT_DIR = /^(\/usr\/share\/nginx\/html|\/usr\/share\/caddy|\/srv)(\/|$)/;

/**
 * A service whose image or name looks like a proxy (`mayBeProxy`) is dropped only when it
 * proxies: traefik, haproxy and certificate helpers always; nginx and Caddy when their config
 * passes requests to a service of this file (`proxy_pass`, `reverse_proxy`), or, with no
 * readable config and no content of their own mounted, when they depend on a service that
 * speaks HTTP. Otherwise the nginx is the app (it serves its own files) and is kept. Pure.
 */
export function findProxies(
  active: readonly string[],
  all: Readonly<Record<string, ComposeService>>,
  configs: Readonly<Record<string, readonly { file: string; text: string }[]>> | undefined,
): ProxyDecision {
  const out: ProxyDecision = { proxies: new Map(), upstreams: new Map(), kept: new Map() };
  const svcOf = (n: string): ComposeService => all[n] ?? {};
  const candidates = active.filter((n) => mayBeProxy(n, svcOf(n)));
  // Host names containers use for each service (its name, container_name, hostname, aliases).
  const hostOf = new Map<string, string>();
  for (const n of active) {
    const svc = svcOf(n);
    for (const alias of [n, svc.container_name, svc.hostname, ...networkAliases(svc.networks)]) {
      if (typeof alias === 'string' && alias !== '') hostOf.set(alias, n);
    }
  }
  const speaksHttp = (n: string) => {
    const svc = svcOf(n);
    const specs = [...asList(svc.ports).map(parsePort), ...asList(svc.expose).map(parseExpose)];
    const port = specs.find((p): p is PortSpec => p !== undefined)?.target ?? defaultPort(svc);
    return notHttp(typeof svc.image === 'string' ? svc.image : '', port) === undefined;
  };

  for (const n of candidates) {
    const svc = svcOf(n);
    const image = typeof svc.image === 'string' ? svc.image : n;
    if (isProxyOnly(n, svc)) {
      out.proxies.set(n, `${image} only routes requests or fetches certificates`);
      out.upstreams.set(n, dependsOn(svc.depends_on).filter(speaksHttp));
      continue;
    }
    const files = configs?.[n] ?? [];
    if (files.length > 0) {
      const named = files.flatMap((f) => upstreamHosts(f.text));
      const targets = [...new Set(named.map((h) => hostOf.get(h)).filter(isService))].filter(
        (t) => t !== n,
      );
      const shown = files.map((f) => f.file).join(', ');
      if (targets.length > 0) {
        out.proxies.set(n, `its ${shown} passes requests to ${targets.join(', ')}`);
        out.upstreams.set(n, targets.filter(speaksHttp));
      } else {
        out.kept.set(
          n,
          `looks like a reverse proxy, but its ${shown} passes no request to a service of this file; kept as a service that serves its own content`,
        );
      }
      continue;
    }
    const content = asList(svc.volumes)
      .map(parseVolume)
      .find((v) => v !== undefined && v.type !== 'tmpfs' && CONTENT_DIR.test(v.target));
    const deps = dependsOn(svc.depends_on).filter((d) => d !== n && active.includes(d));
    const web = deps.filter(speaksHttp);
    if (content) {
      out.kept.set(
        n,
        `looks like a reverse proxy, but it serves files mounted at ${content.target} and no readable config says it proxies; kept as a service (add \`route:\` to another service by hand if it proxies)`,
      );
    } else if (web.length > 0) {
      out.proxies.set(
        n,
        `no readable config; it depends on ${web.join(', ')}, which ${web.length > 1 ? 'speak' : 'speaks'} HTTP`,
      );
      out.upstreams.set(n, web);
    } else {
      out.kept.set(
        n,
        deps.length > 0
          ? `looks like a reverse proxy, but it depends only on ${deps.join(', ')}, which ${deps.length > 1 ? 'do' : 'does'} not speak HTTP, and no readable config says it proxies; kept as the service that serves the app`
          : `looks like a reverse proxy, but nothing says it proxies (no readable config, no depends_on on a web service); kept as the service that serves the app`,
      );
    }
  }
  return out;
}

const isService = (n: string | undefined): n is string => n !== undefined;

/**
 * Host names a proxy config passes requests to: nginx `proxy_pass` (through `upstream`
 * blocks) and Caddyfile `reverse_proxy` upstreams (caddyserver.com/docs/caddyfile/directives/
 * reverse_proxy: `reverse_proxy [<matcher>] [<upstreams...>]`, or `to` in its block).
 */
export function upstreamHosts(text: string): string[] {
  const hosts = nginxRoutes(text).locations.map((l) => l.host);
  for (const line of text.replace(/#[^\n]*/g, '').split('\n')) {
    const m = /^\s*(?:reverse_proxy|to)\s+(.*)$/.exec(line);
    if (!m) continue;
    for (const word of (m[1] ?? '').split(/\s+/)) {
      if (word === '' || word === '{' || /^[@/*]/.test(word)) continue;
      const host = /^(?:[a-z]+:\/\/)?([A-Za-z0-9_.-]+)(?::\d+)?\/?$/.exec(word)?.[1];
      if (host) hosts.push(host);
    }
  }
  return hosts;
}
