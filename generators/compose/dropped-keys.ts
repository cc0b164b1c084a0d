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
    'a bind mount of a host file; bake it into the image or render it with a Nomad template',
  envFile:
    'env files stay off the cluster; put these variables in Consul KV and list them under secrets',
  healthcheck:
    'only HTTP checks against localhost are carried over; Nomad uses a TCP check instead',
  extraPorts: 'a Nomad group gets one service port here; add further ports by hand',
  proxy: 'reverse proxy and certificates are replaced by Caddy routes and on-demand TLS',
  containerName: 'Nomad names containers itself',
  networks: 'services reach each other through Consul service addresses',
  topVolumes: 'named volumes become Nomad host volumes declared on the client nodes',
  version: 'obsolete in the Compose specification',
  unsupported: 'not supported by prenv',
} as const;
