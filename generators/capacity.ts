import type { Config } from '../bot/config/config.js';
import type { EnvironmentKind, ServiceConfig } from '../bot/config/schema.js';
import { serverTypeMemoryMiB, serverTypesByMemory } from '../bot/core/hetzner-server-types.js';
import type { RenderProblem } from './errors.js';

/**
 * Memory a node keeps for itself: the kernel, Docker, the Nomad and Consul agents and, on the
 * entry node, Caddy. Nomad schedules against the total it fingerprints from /proc/meminfo and
 * reserves nothing by default (client `reserved` block), so prenv keeps this margin.
 */
export const NODE_OVERHEAD_MIB = 512;

export interface CapacityReport {
  env: EnvironmentKind;
  serverType: string;
  servers: number;
  /** Memory the env's tasks reserve (Nomad `resources.memory`), MiB. */
  neededMiB: number;
  /** What the env's nodes offer for tasks, MiB; undefined for an unknown server type. */
  availableMiB: number | undefined;
  /** The largest single group, which must fit on one node, MiB. */
  largestGroupMiB: number;
}

/** One allocation's memory, and whether its host volumes pin it to `storage.node`. */
interface Placed {
  memoryMiB: number;
  pinned: boolean;
}

/**
 * Where the env's allocations go, node by node: groups and periodic jobs that mount a host
 * volume on the node that holds the volumes (`storage.node`, production and staging), the
 * others first-fit by decreasing size (a packing exists when this finds one; Nomad's binpack
 * scheduler places them one by one, so a failure here is at best a fragile fit there).
 * MiB reserved per node, and the allocations no node could hold.
 */
export function placement(
  config: Config,
  env: EnvironmentKind,
): { perNodeMiB: number[]; freeMiB: number | undefined; unplacedMiB: number[] } {
  const { serverType, servers } = nodesOf(config, env);
  const memory = serverTypeMemoryMiB(serverType);
  const free = memory === undefined ? undefined : memory - NODE_OVERHEAD_MIB;
  const perNode = Array.from({ length: servers }, () => 0);
  const unplaced: number[] = [];
  const pinNode = env === 'pr' ? 0 : Math.min(config.storage.node, servers) - 1;
  const allocations = allocationsOf(config, env).sort(
    (a, b) => Number(b.pinned) - Number(a.pinned) || b.memoryMiB - a.memoryMiB,
  );
  for (const a of allocations) {
    const fits = (i: number) => free === undefined || perNode[i]! + a.memoryMiB <= free;
    const node = a.pinned ? (fits(pinNode) ? pinNode : -1) : perNode.findIndex((_, i) => fits(i));
    if (node < 0) unplaced.push(a.memoryMiB);
    else perNode[node]! += a.memoryMiB;
  }
  return { perNodeMiB: perNode, freeMiB: free, unplacedMiB: unplaced };
}

function allocationsOf(config: Config, env: EnvironmentKind): Placed[] {
  const out: Placed[] = [];
  for (const svc of Object.values(config.services)) {
    for (let i = 0; i < svc.count[env]; i++)
      out.push({ memoryMiB: groupMemory(svc), pinned: svc.volumes.length > 0 });
  }
  for (const job of Object.values(config.jobs)) {
    if (job.environments.includes(env))
      out.push({ memoryMiB: job.resources.memory, pinned: job.volumes.length > 0 });
  }
  return out;
}

/**
 * Memory a group reserves: its main task, plus its prestart tasks as Nomad counts them —
 * ephemeral prestart tasks finish before the main task starts, so the group needs the larger
 * of the two, not their sum (Nomad `AllocatedResources.Comparable`, nomad/structs).
 */
function groupMemory(svc: ServiceConfig): number {
  const prestart = Math.max(0, ...Object.values(svc.prestart).map((t) => t.resources.memory));
  return Math.max(svc.resources.memory, prestart);
}

/** Server type and count of an environment, as Terraform creates them (see tfvars). */
function nodesOf(config: Config, env: EnvironmentKind): { serverType: string; servers: number } {
  if (env === 'pr') {
    return {
      serverType: config.hetzner.preview_server_type ?? config.hetzner.server_type,
      servers: 1,
    };
  }
  return { serverType: config.hetzner.server_type, servers: config.environments[env].servers };
}

/** Memory the env needs against what its servers offer. Periodic jobs count: they must fit when they run. */
export function capacityReport(config: Config, env: EnvironmentKind): CapacityReport {
  const { serverType, servers } = nodesOf(config, env);
  const groups: number[] = [];
  for (const svc of Object.values(config.services)) {
    for (let i = 0; i < svc.count[env]; i++) groups.push(groupMemory(svc));
  }
  for (const job of Object.values(config.jobs)) {
    if (job.environments.includes(env)) groups.push(job.resources.memory);
  }
  const memory = serverTypeMemoryMiB(serverType);
  return {
    env,
    serverType,
    servers,
    neededMiB: groups.reduce((a, b) => a + b, 0),
    availableMiB: memory === undefined ? undefined : servers * (memory - NODE_OVERHEAD_MIB),
    largestGroupMiB: Math.max(0, ...groups),
  };
}

/**
 * Problems when the env can't be placed: more memory reserved than its nodes offer, or one
 * group larger than a node. Sizes in MiB; the advice names the smallest server type that fits.
 */
export function capacityProblems(config: Config, env: EnvironmentKind): RenderProblem[] {
  const r = capacityReport(config, env);
  if (r.availableMiB === undefined) return [];
  const perNode = r.availableMiB / r.servers;
  const key =
    env === 'pr' && config.hetzner.preview_server_type ? 'preview_server_type' : 'server_type';
  const where = `${r.servers} × ${r.serverType} (${mib(perNode)} MiB each for tasks after ${NODE_OVERHEAD_MIB} MiB for the system and agents)`;
  const problems: RenderProblem[] = [];
  if (r.neededMiB > r.availableMiB) {
    problems.push({
      path: 'services',
      message:
        `${env} cannot be placed: its tasks reserve ${mib(r.neededMiB)} MiB of memory, ` +
        `${where} offer ${mib(r.availableMiB)} MiB: short by ${mib(r.neededMiB - r.availableMiB)} MiB. ` +
        advice(env, key, Math.max(r.neededMiB / r.servers, r.largestGroupMiB)),
    });
  } else if (r.largestGroupMiB > perNode) {
    problems.push({
      path: 'services',
      message:
        `${env} cannot be placed: one group reserves ${mib(r.largestGroupMiB)} MiB of memory, ` +
        `more than a node offers on ${where}: short by ${mib(r.largestGroupMiB - perNode)} MiB. ` +
        advice(env, key, r.largestGroupMiB),
    });
  } else {
    const p = placement(config, env);
    if (p.unplacedMiB.length > 0) {
      const pinned =
        env !== 'pr' && allocationsOf(config, env).some((a) => a.pinned)
          ? ` (groups with volumes all on node ${Math.min(config.storage.node, r.servers)}, storage.node)`
          : '';
      problems.push({
        path: 'services',
        message:
          `${env} cannot be placed node by node: the nodes would hold ${p.perNodeMiB.map(mib).join(' + ')} MiB${pinned}, ` +
          `and ${p.unplacedMiB.map(mib).join(', ')} MiB of allocations fit on no ${r.serverType} (${mib(perNode)} MiB each for tasks). ` +
          advice(env, key, Math.max(...p.perNodeMiB) + Math.max(...p.unplacedMiB)),
      });
    }
  }
  return problems;
}

/** The smallest server type on sale that holds the env's reservations, or undefined if none does. */
export function serverTypeThatFits(config: Config, env: EnvironmentKind): string | undefined {
  const r = capacityReport(config, env);
  return smallestServerTypeFor(Math.max(r.neededMiB / r.servers, r.largestGroupMiB));
}

function advice(env: EnvironmentKind, key: string, perNodeMiB: number): string {
  const fit = smallestServerTypeFor(perNodeMiB);
  const setting = env === 'pr' ? `hetzner.preview_server_type` : `hetzner.${key}`;
  const bigger = fit ? `set ${setting}: ${fit}` : 'use more servers';
  return `To fix it, ${bigger}, or lower services.*.resources.memory${env === 'pr' ? ' or services.*.count.pr' : ''}.`;
}

/** The smallest server type on sale whose memory, less the node's own share, holds `mib`. */
export function smallestServerTypeFor(mibPerNode: number): string | undefined {
  return serverTypesByMemory().find((t) => t.memoryMiB - NODE_OVERHEAD_MIB >= mibPerNode)
    ?.serverType;
}

function mib(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
