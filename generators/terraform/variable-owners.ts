/**
 * Who sets each variable of `terraform/environments/<env>/variables.tf`: one table, so that
 * prenv passes only what it owns and never overrides the operator's `terraform.tfvars`.
 * README.md ("Terraform variables") shows the same table; a test keeps them equal.
 *
 * - `prenv.yml`: derived from prenv.yml by `terraformVariables`, passed in a `-var-file`.
 *   Setting one of them in `terraform.tfvars` as well is refused.
 * - `production outputs`: read by prenv from production's `terraform output -json` for a PR.
 * - `operator`: `terraform.tfvars` (or `TF_VAR_*`); prenv never passes them.
 */
export type VariableOwner = 'prenv.yml' | 'production outputs' | 'operator';
export type TfEnvName = 'production' | 'staging' | 'pr';

export interface VariableRow {
  name: string;
  environments: TfEnvName[];
  owner: VariableOwner;
  /** Where the value comes from, in the reader's terms. */
  source: string;
}

const ALL: TfEnvName[] = ['production', 'staging', 'pr'];
const CLUSTERS: TfEnvName[] = ['production', 'staging'];

export const TERRAFORM_VARIABLES: readonly VariableRow[] = [
  { name: 'project', environments: ALL, owner: 'prenv.yml', source: '`project`' },
  {
    name: 'domain',
    environments: CLUSTERS,
    owner: 'prenv.yml',
    source: '`domain` (production), `environments.staging.host` (staging)',
  },
  { name: 'preview_domain', environments: ['pr'], owner: 'prenv.yml', source: '`previews.host`' },
  { name: 'pr_number', environments: ['pr'], owner: 'prenv.yml', source: 'the pull request' },
  {
    name: 'server_type',
    environments: ALL,
    owner: 'prenv.yml',
    source: '`hetzner.server_type` (`hetzner.preview_server_type` for a PR)',
  },
  { name: 'location', environments: ALL, owner: 'prenv.yml', source: '`hetzner.location`' },
  {
    name: 'network_zone',
    environments: CLUSTERS,
    owner: 'prenv.yml',
    source: 'the zone of `hetzner.location`',
  },
  {
    name: 'server_count',
    environments: ['production'],
    owner: 'prenv.yml',
    source: '`environments.production.servers`',
  },
  {
    name: 'tls_domains',
    environments: CLUSTERS,
    owner: 'prenv.yml',
    source: "with `tls.mode: load_balancer`, the certificate's names (see Entry)",
  },
  {
    name: 'host_volumes',
    environments: ALL,
    owner: 'prenv.yml',
    source: 'the `volumes` of services and jobs',
  },
  {
    name: 'ssh_allowed_cidrs',
    environments: ALL,
    owner: 'prenv.yml',
    source: '`hetzner.ssh_allowed_cidrs`, only when set there; otherwise `terraform.tfvars`',
  },
  {
    name: 'network_id',
    environments: ['pr'],
    owner: 'production outputs',
    source: 'output `network_id`',
  },
  {
    name: 'server_private_ips',
    environments: ['pr'],
    owner: 'production outputs',
    source: 'output `server_private_ips`',
  },
  {
    name: 'ssh_key_names',
    environments: ['pr'],
    owner: 'production outputs',
    source: 'output `ssh_key_names`',
  },
  {
    name: 'consul_encrypt_key',
    environments: ['pr'],
    owner: 'production outputs',
    source: 'output `consul_encrypt_key` (sensitive)',
  },
  {
    name: 'ssh_public_key',
    environments: CLUSTERS,
    owner: 'operator',
    source: '`terraform.tfvars`',
  },
  {
    name: 'ssh_key_names',
    environments: CLUSTERS,
    owner: 'operator',
    source: '`terraform.tfvars`',
  },
  {
    name: 'consul_encrypt_key',
    environments: CLUSTERS,
    owner: 'operator',
    source: '`terraform.tfvars` (`consul keygen`)',
  },
  {
    name: 'network_ip_range',
    environments: ['pr'],
    owner: 'operator',
    source: "its default `10.0.0.0/16`, production's network",
  },
  {
    name: 'hcloud_token',
    environments: ALL,
    owner: 'operator',
    source: '`HCLOUD_TOKEN` in the environment, never a file',
  },
];

/** The variables of `env` that `owner` sets. */
export function variablesOwnedBy(owner: VariableOwner, env: TfEnvName): string[] {
  return TERRAFORM_VARIABLES.filter((r) => r.owner === owner && r.environments.includes(env)).map(
    (r) => r.name,
  );
}

/** The table as Markdown, for README.md. */
export function variablesTableMarkdown(): string {
  const rows = TERRAFORM_VARIABLES.map(
    (r) => `| \`${r.name}\` | ${r.environments.join(', ')} | ${r.owner} | ${r.source} |`,
  );
  return ['| variable | environments | set by | from |', '| --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}
