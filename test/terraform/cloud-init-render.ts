import path from 'node:path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { parse as parseYaml } from 'yaml';
import { terraformEvaluate, terraformTemplatefile } from '../support/terraform-cli.js';
import { at, moduleDir, parseDir, type HclBody } from './terraform-tree.js';

/** Renders the module's cloud-init the way `hcloud_server.user_data` does, for the tests. */
export const templateFile = path.join(moduleDir, 'cloud-init', 'node.yaml.tftpl');

interface WriteFile {
  path: string;
  content: string;
}

export interface CloudInitDoc {
  write_files: WriteFile[];
  runcmd: string[];
  packages: string[];
}

/** Names templatefile() receives in a server resource: cloud_init_common plus the inline object. */
export function templateVarNames(moduleBody: HclBody, resource: 'server' | 'client'): string[] {
  const locals = Object.assign({}, ...(at(moduleBody, 'locals') as Record<string, unknown>[]));
  const common = Object.keys(at(locals, 'cloud_init_common') as object);
  const userData = String(at(moduleBody, 'resource', 'hcloud_server', resource, 0, 'user_data'));
  if (!userData.includes('cloud-init/node.yaml.tftpl'))
    throw new Error(`user_data of ${resource} does not render cloud-init/node.yaml.tftpl`);
  const inline = /merge\(local\.cloud_init_common, \{([^}]*)\}\)/.exec(userData);
  if (!inline) throw new Error(`no merge(local.cloud_init_common, {…}) in ${userData}`);
  const own = [...inline[1]!.matchAll(/(\w+)\s*=/g)].map((m) => m[1]!);
  return [...common, ...own];
}

export const networkIpRange = '10.0.0.0/16';

/** The module's own private-address.tf, evaluated by Terraform for `network_ip_range`. */
export async function privateAddressLocals(
  range = networkIpRange,
): Promise<{ private_address: string; private_interface: string }> {
  const value = await terraformEvaluate(
    [path.join(moduleDir, 'private-address.tf')],
    { network_ip_range: range },
    '{ private_address = local.private_address, private_interface = local.private_interface }',
  );
  return value as { private_address: string; private_interface: string };
}

export const commonValues = {
  network_ip_range: networkIpRange,
  datacenter: 'dc1',
  join_ips: ['10.0.1.10', '10.0.1.11', '10.0.1.12'],
  host_volumes: ['postgres-data', 'redis-data'],
  nomad_version: '1.9.2',
  consul_version: '1.20.1',
  consul_encrypt_key: '',
  consul_agent_token: '',
  caddy_version: '2.10.2',
};

/** The node roles the module creates, with what servers.tf passes for each. */
export const roles = {
  productionEntryServer: {
    resource: 'server',
    values: {
      environment: 'production',
      pr_label: 'none',
      server: true,
      bootstrap_expect: 3,
      entry: true,
      node_pool: 'default',
      preview: false,
    },
  },
  stagingServer: {
    resource: 'server',
    values: {
      environment: 'staging',
      pr_label: 'none',
      server: true,
      bootstrap_expect: 1,
      entry: true,
      node_pool: 'default',
      preview: false,
    },
  },
  productionClient: {
    resource: 'client',
    values: {
      environment: 'production',
      pr_label: 'none',
      server: false,
      bootstrap_expect: 0,
      entry: false,
      node_pool: 'default',
      preview: false,
    },
  },
  previewClient: {
    resource: 'client',
    values: {
      environment: 'pr',
      pr_label: '123',
      server: false,
      bootstrap_expect: 0,
      entry: false,
      node_pool: 'previews',
      preview: true,
      consul_agent_token: '6a1f2f9e-3c55-4c1e-9d4b-0c7f1e2d3a4b',
    },
  },
} as const satisfies Record<
  string,
  { resource: 'server' | 'client'; values: Record<string, unknown> }
>;
export type RoleName = keyof typeof roles;

let moduleBody: Promise<HclBody> | undefined;
let privateLocals: ReturnType<typeof privateAddressLocals> | undefined;

/**
 * Cloud-init of `role`, rendered by Terraform's own templatefile() with exactly the variables
 * the resource passes (the private-address templates evaluated from the module by Terraform
 * too); `overrides` replace single values.
 */
export async function renderCloudInit(role: RoleName, overrides: Record<string, unknown> = {}) {
  const { resource, values } = roles[role];
  moduleBody ??= parseDir(moduleDir);
  privateLocals ??= privateAddressLocals();
  const all: Record<string, unknown> = {
    ...commonValues,
    ...(await privateLocals),
    ...values,
    ...overrides,
  };
  const names = templateVarNames(await moduleBody, resource);
  const missing = names.filter((n) => !(n in all));
  if (missing.length > 0) throw new Error(`the test has no value for ${missing.join(', ')}`);
  const provided = Object.fromEntries(names.map((n) => [n, all[n]]));
  const text = await terraformTemplatefile(templateFile, provided);
  const doc = parseYaml(text) as CloudInitDoc;
  const file = (p: string) => {
    const found = doc.write_files.find((f) => f.path === p);
    if (!found) throw new Error(`cloud-init writes no ${p}`);
    return found.content;
  };
  const hcl = async (p: string) => (await parseHcl(p, file(p))) as HclBody;
  return { text, doc, file, hcl, privateAddress: (await privateLocals).private_address };
}
