export interface DroppedKey {
  /** Compose key path, e.g. `services.web.restart`. */
  path: string;
  reason: string;
}

export interface DroppedGroup {
  key: string;
  services: string[];
  reason: string;
}

/** Groups dropped keys by key and reason, so each is listed once with the services it came from. */
export function groupDropped(dropped: readonly DroppedKey[]): DroppedGroup[] {
  const groups = new Map<string, DroppedGroup>();
  for (const d of dropped) {
    const parts = d.path.split('.');
    const isService = parts[0] === 'services' && parts.length >= 3;
    const key = isService ? parts.slice(2).join('.') : d.path;
    const id = `${key}\u0000${d.reason}`;
    const group = groups.get(id) ?? { key, services: [], reason: d.reason };
    if (isService && parts[1] && !group.services.includes(parts[1])) group.services.push(parts[1]);
    groups.set(id, group);
  }
  return [...groups.values()];
}

export function formatDropped(groups: readonly DroppedGroup[]): string {
  if (groups.length === 0) return 'Every Compose key was carried over.\n';
  const lines = groups.map((g) => {
    const where = g.services.length > 0 ? ` (${g.services.join(', ')})` : '';
    return `  - ${g.key}${where}: ${g.reason}`;
  });
  return `Not carried over:\n${lines.join('\n')}\n`;
}

export const REASONS = {
  restart: 'Nomad restarts and reschedules tasks itself (restart/reschedule policy)',
  build: 'prenv deploys images; build and push this image in CI, tagged with the commit SHA',
  bindMount:
    'a bind mount of a host file or config folder; bake it into the image or render it with a Nomad template',
  tmpfs:
    'a tmpfs mount; not carried: the container filesystem is thrown away with each allocation anyway',
  envFileMissing: 'not found beside the Compose file; its variables are missing',
  healthcheck:
    'only HTTP checks against localhost on the service port are carried over; Nomad checks the port over TCP instead',
  healthcheckNoPort:
    'only HTTP checks are carried over, and this service has no port; Nomad watches the task process only',
  extraPorts:
    'a prenv service has one port (the one others reach or the public one); add further ports by hand',
  udp: 'a UDP port; prenv routes HTTP only, so it gets no route (a UDP service needs a Nomad static port by hand)',
  loopback:
    'bound to a loopback address in Compose, so it stays private: no public route (add `route: { path: /NAME }` to the service in prenv.yml to expose it on purpose)',
  unrouted:
    'a published port that is not the app; it gets no public route (add `route: { path: /NAME }` to the service in prenv.yml to expose it on purpose)',
  proxy: 'reverse proxy and certificates are replaced by Caddy routes and on-demand TLS',
  containerName: 'Nomad names containers itself; other services reach this one through Consul',
  networks: 'services reach each other through Consul service addresses',
  unusedVolume: 'a named volume no service mounts',
  version: 'obsolete in the Compose specification',
  prestartHealthy:
    'a prestart task starts with its group and does not wait for another group to be healthy; it must retry until its dependency answers',
  dependsOnHealthy:
    'Nomad starts the groups of a job together and does not wait for another group to be healthy; the service must retry until its dependency answers (the order is kept in depends_on)',
  links: 'services reach each other through Consul service addresses',
  logging: 'Nomad keeps task logs itself (nomad alloc logs)',
  labels: 'Docker labels; Nomad job meta is written by prenv',
  traefikLabels:
    'Traefik labels: their paths and port were read for the routes; TLS, middlewares and other labels are not carried',
  include: 'included Compose files are not followed; run init on them too and merge the services',
  configsSecrets:
    'Compose configs and secrets are files on the host; put the values in Consul KV (secrets) or bake them into the image',
  extends:
    'extends is not followed: the keys this service would inherit are missing from prenv.yml; copy them into the service',
  volumesFrom:
    'Nomad tasks of different groups share no volumes; mount the same host volume instead',
  envName: 'not a valid environment variable name for Nomad (letters, digits and "_")',
  unsupported: 'not supported by prenv',
} as const;

/** Service keys the import carries (or reports itself); every other key is listed as dropped. */
export const HANDLED_SERVICE_KEYS = new Set([
  'env_file',
  'image',
  'build',
  'ports',
  'expose',
  'environment',
  'command',
  'entrypoint',
  'healthcheck',
  'deploy',
  'volumes',
  'tmpfs',
  'depends_on',
  'profiles',
  'scale',
  'mem_limit',
  'cpus',
]);
/** Why a service key is not carried; unlisted keys get `REASONS.unsupported`. */
export const SERVICE_REASONS: Record<string, string> = {
  restart: REASONS.restart,
  container_name: REASONS.containerName,
  hostname: REASONS.containerName,
  networks: REASONS.networks,
  links: REASONS.links,
  external_links: REASONS.links,
  logging: REASONS.logging,
  labels: REASONS.labels,
  configs: REASONS.configsSecrets,
  secrets: REASONS.configsSecrets,
  extends: REASONS.extends,
  network_mode: REASONS.networks,
  volumes_from: REASONS.volumesFrom,
};
/** Why a top-level key is not carried; unlisted keys get `REASONS.unsupported`. */
export const TOP_LEVEL_REASONS: Record<string, string> = {
  version: REASONS.version,
  networks: REASONS.networks,
  include: REASONS.include,
  configs: REASONS.configsSecrets,
  secrets: REASONS.configsSecrets,
};
