import { httpHealthCheck } from './compose-values.js';
import { environmentEntries, hostRefs, type AddressBook } from './compose-env.js';
import { isPublicTcp, parseExpose, parsePort, type PortSpec } from './compose-ports.js';
import { traefikLabels } from './compose-routes.js';
import { nginxRoutes } from './nginx-upstreams.js';
import {
  asList,
  defaultPort,
  healthTest,
  networkAliases,
  type ComposeService,
} from './compose-service.js';

/** Where each carried service is found: the names others use for it and its one prenv port. */
export interface ServiceAddresses {
  /** Host name (service name, container_name, hostname, alias) → prenv service; its port. */
  book: AddressBook;
  /** Each carried Compose service's ports and `expose` entries, parsed. */
  specs: Map<string, PortSpec[]>;
  /** Each dropped proxy's nginx configs with the routes read from them. */
  nginx: Map<string, { file: string; routes: ReturnType<typeof nginxRoutes> }[]>;
  /** Carried services with traefik labels, and what the labels route. */
  traefik: Map<string, NonNullable<ReturnType<typeof traefikLabels>>>;
}

/**
 * The address book of a Compose import. A service's prenv port is the one other services
 * (and the proxy) reach it on, else its public TCP port, its first port, its health check's
 * port or its image's usual port. Pure.
 */
export function serviceAddresses(input: {
  all: Record<string, ComposeService>;
  /** Services in the active profiles. */
  active: string[];
  /** Active services that become prenv services (not proxies, not one-shots). */
  carried: string[];
  proxies: string[];
  /** Compose service name → prenv name. */
  names: Map<string, string>;
  proxyConfigs?: Readonly<Record<string, readonly { file: string; text: string }[]>>;
}): ServiceAddresses {
  const { active, carried, proxies, names } = input;
  const svcOf = (n: string): ComposeService => input.all[n] ?? {};
  // Host names other containers use for a service: its name, container_name, hostname, aliases.
  const hosts = new Map<string, string>();
  for (const n of carried) {
    const svc = svcOf(n);
    const name = names.get(n) as string;
    for (const alias of [n, svc.container_name, svc.hostname, ...networkAliases(svc.networks)]) {
      if (typeof alias === 'string' && alias !== '') hosts.set(alias, name);
    }
  }

  // Ports other services (and the proxy) reach each service on decide its one prenv port.
  const nginx = new Map(
    proxies.map((p) => [
      p,
      (input.proxyConfigs?.[p] ?? []).map((f) => ({ file: f.file, routes: nginxRoutes(f.text) })),
    ]),
  );
  const reached = new Map<string, number[]>();
  const reach = (host: string, port: number | undefined) => {
    const name = hosts.get(host);
    if (name && port !== undefined) reached.set(name, [...(reached.get(name) ?? []), port]);
  };
  for (const n of active) {
    for (const [, value] of environmentEntries(svcOf(n).environment)) {
      // A service naming itself (Kafka's advertised listeners) says nothing of how others reach it.
      const others = hostRefs(value ?? '', hosts).filter((r) => hosts.get(r.host) !== names.get(n));
      others.forEach((r) => reach(r.host, r.port));
    }
  }
  for (const files of nginx.values()) {
    files.forEach((f) => f.routes.locations.forEach((l) => reach(l.host, l.port)));
  }
  const traefik = new Map(
    carried.flatMap((n) => {
      const t = traefikLabels(svcOf(n).labels);
      return t ? [[n, t] as const] : [];
    }),
  );
  for (const [n, t] of traefik) reach(n, t.port);

  const specs = new Map<string, PortSpec[]>();
  const ports = new Map<string, number>();
  for (const n of carried) {
    const svc = svcOf(n);
    const list = [
      ...asList(svc.ports).map(parsePort),
      ...asList(svc.expose).map(parseExpose),
    ].filter((p): p is PortSpec => p !== undefined);
    specs.set(n, list);
    const name = names.get(n) as string;
    const tcp = list.filter((p) => p.protocol === 'tcp');
    const port =
      reached.get(name)?.[0] ??
      tcp.find(isPublicTcp)?.target ??
      tcp[0]?.target ??
      httpHealthCheck(healthTest(svc))?.port ??
      defaultPort(svc);
    if (port !== undefined) ports.set(name, port);
  }
  const book: AddressBook = { hosts, ports };
  return { book, specs, nginx, traefik };
}
