/**
 * How prenv reaches a cluster's Nomad, Consul and Caddy admin APIs from where it runs: the bot
 * on a production node talks to them on loopback (cloud-init makes all three listen on
 * 127.0.0.1); the CLI on a workstation or a workflow runner reaches the same loopback ports
 * through one SSH tunnel per environment (`prenv tunnel <env>`), to its first server's public
 * address. Local ports differ per environment so both tunnels can run at once, and match the
 * defaults of PRENV_* (production) and what PRENV_STAGING_* must say (staging).
 */

import type { ClusterEnvironment } from '../../core/model.js';

export type Endpoint = 'nomad' | 'consul' | 'caddyAdmin';

/** Where each API listens on a node (cloud-init, terraform/modules/base). */
export const NODE_PORTS: Readonly<Record<Endpoint, number>> = {
  nomad: 4646,
  consul: 8500,
  caddyAdmin: 2019,
};

/**
 * The tunnel's local ports. Caddy's admin API checks the Host header against its `origins`, so
 * cloud-init lists both Caddy ports there; a change here needs the same change in
 * terraform/modules/base/cloud-init/node.yaml.tftpl and the `ssh_tunnel_command` outputs.
 */
export const TUNNEL_PORTS: Readonly<
  Record<ClusterEnvironment, Readonly<Record<Endpoint, number>>>
> = {
  production: NODE_PORTS,
  staging: { nomad: 14646, consul: 18500, caddyAdmin: 12019 },
};

/** The PRENV_* variable holding each endpoint's URL for an environment. */
export function endpointVariable(env: ClusterEnvironment, endpoint: Endpoint): string {
  const name = { nomad: 'NOMAD_ADDR', consul: 'CONSUL_ADDR', caddyAdmin: 'CADDY_ADMIN' }[endpoint];
  return env === 'staging' ? `PRENV_STAGING_${name}` : `PRENV_${name}`;
}

/** The variables that point prenv at the tunnel of `env`, as `NAME=value` pairs. */
export function tunnelVariables(env: ClusterEnvironment): [string, string][] {
  const ports = TUNNEL_PORTS[env];
  return (['nomad', 'consul', 'caddyAdmin'] as const).map((e) => [
    endpointVariable(env, e),
    `http://127.0.0.1:${ports[e]}`,
  ]);
}

/** Where each endpoint listens, seen from the node: Caddy's admin API is on the private network. */
const NODE_HOSTS = {
  nomad: '127.0.0.1',
  consul: '127.0.0.1',
  caddyAdmin: 'caddy-admin.service.consul',
} as const;

/**
 * `ssh` arguments for the tunnel of `env` to `destination` (`root@203.0.113.10`): local ports
 * on 127.0.0.1 only, Nomad and Consul forwarded to the node's loopback and Caddy's admin API
 * to an entry node's private address (`caddy-admin.service.consul`); no remote command; fails at once
 * when a local port is taken (ExitOnForwardFailure) and notices a dead link within ~90 s.
 */
export function tunnelArgs(env: ClusterEnvironment, destination: string): string[] {
  const ports = TUNNEL_PORTS[env];
  const forwards = (['nomad', 'consul', 'caddyAdmin'] as const).flatMap((e) => [
    '-L',
    `127.0.0.1:${ports[e]}:${NODE_HOSTS[e]}:${NODE_PORTS[e]}`,
  ]);
  return [
    '-N',
    '-o',
    'ExitOnForwardFailure=yes',
    '-o',
    'ServerAliveInterval=30',
    '-o',
    'ServerAliveCountMax=3',
    ...forwards,
    '--',
    destination,
  ];
}

const DESTINATION = /^(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9.:-]+$/;

/** A `user@host` or `host` ssh can take; anything else (options, spaces) is refused. */
export function isSshDestination(value: string): boolean {
  return DESTINATION.test(value) && !value.startsWith('-');
}
