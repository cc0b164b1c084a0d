import type { Config } from '../../bot/config/config.js';
import type { HETZNER_LOCATIONS } from '../../bot/config/schema.js';
import { envHost, type EnvContext } from '../env-context.js';
import { compare } from '../resolve.js';

/**
 * The variables prenv owns (`prenv.yml` in variable-owners.ts) for
 * `terraform/environments/<production|staging|pr>/variables.tf`, and nothing else: the
 * operator's `terraform.tfvars` keeps the rest. No secret goes here: the Hetzner token comes
 * from HCLOUD_TOKEN. For `pr`, production's outputs are added at deploy time.
 */
export type TerraformVariables = Record<string, string | number | string[]>;

const NETWORK_ZONES: Record<(typeof HETZNER_LOCATIONS)[number], string> = {
  fsn1: 'eu-central',
  nbg1: 'eu-central',
  hel1: 'eu-central',
  ash: 'us-east',
  hil: 'us-west',
  sin: 'ap-southeast',
};

/** Names of the Nomad host volumes the env's services and jobs mount. */
export function hostVolumeNames(config: Config): string[] {
  const names = new Set<string>();
  for (const svc of Object.values(config.services)) svc.volumes.forEach((v) => names.add(v.name));
  for (const job of Object.values(config.jobs)) job.volumes.forEach((v) => names.add(v.name));
  return [...names].sort(compare);
}

export function terraformVariables(config: Config, ctx: EnvContext): TerraformVariables {
  const { location, server_type: serverType } = config.hetzner;
  const host_volumes = hostVolumeNames(config);
  // Only when prenv.yml says so: an absent key must not close SSH set in terraform.tfvars.
  const ssh: TerraformVariables =
    config.hetzner.ssh_allowed_cidrs === undefined
      ? {}
      : { ssh_allowed_cidrs: config.hetzner.ssh_allowed_cidrs };
  if (ctx.kind === 'pr') {
    return {
      project: config.project,
      pr_number: ctx.number,
      preview_domain: previewDomain(config.previews.host),
      server_type: config.hetzner.preview_server_type ?? serverType,
      location,
      host_volumes,
      ...ssh,
    };
  }
  const common = {
    project: config.project,
    // production wants the apex domain, staging its own host name (see their variables.tf).
    domain: ctx.kind === 'production' ? config.domain : envHost(config, ctx),
    server_type: serverType,
    location,
    network_zone: NETWORK_ZONES[location],
    tls_domains: certificateDomains(config, ctx.kind),
  };
  return ctx.kind === 'production'
    ? {
        ...common,
        server_count: config.environments.production.servers,
        host_volumes,
        ...ssh,
      }
    : { ...common, host_volumes, ...ssh };
}

/**
 * The names of the load balancer's managed certificate with `tls.mode: load_balancer` (none
 * otherwise): the env's host and, for production, a wildcard for the pull requests' hosts and
 * the bot's webhook host. A wildcard covers one label, so `previews.host` must have its
 * `{{number}}` in the first label (`pr-{{number}}.pr.example.com` → `*.pr.example.com`).
 */
export function certificateDomains(config: Config, env: 'production' | 'staging'): string[] {
  if (config.tls.mode !== 'load_balancer') return [];
  const host = envHost(config, { kind: env });
  if (env === 'staging') return [host];
  return [host, `*.${previewDomain(config.previews.host)}`, `prenv.${config.domain}`];
}

/** `pr-{{number}}.pr.example.com` → `pr.example.com`: the labels after the one with the number. */
export function previewDomain(hostPattern: string): string {
  const labels = hostPattern.split('.');
  const at = labels.findIndex((l) => l.includes('{{number}}'));
  return labels.slice(at + 1).join('.');
}
