import path from 'node:path';
import type { ClusterEnvironment } from '../../core/model.js';
import type { Env } from './env-text.js';

export interface TerraformSettings {
  bin: string;
  dir: string;
  /**
   * A saved `terraform output -json` of production (`PRENV_TF_PRODUCTION_OUTPUTS`), for a bot
   * that cannot read production's state; without it prenv runs `terraform output` there.
   */
  productionOutputsFile?: string;
  backendConfig?: string;
  /** Variables handed to Terraform's process: HCLOUD_TOKEN and the state backend's credentials. */
  env: Record<string, string | undefined>;
}

const PASS_TO_TERRAFORM = [
  'PATH',
  'HOME',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
];

/** The Terraform binary, module folder and process environment prenv runs Terraform with. */
export function terraformSettings(env: Env, hcloudToken: string | undefined): TerraformSettings {
  const terraformEnv: Record<string, string | undefined> = Object.fromEntries(
    PASS_TO_TERRAFORM.map((k) => [k, env[k]]),
  );
  if (hcloudToken) terraformEnv.HCLOUD_TOKEN = hcloudToken;
  // environments/pr's consul provider creates each preview node's ACL policy and token
  // (terraform/environments/pr/acl.tf); it reads the address and token from these.
  terraformEnv.CONSUL_HTTP_ADDR = env.PRENV_CONSUL_ADDR ?? 'http://127.0.0.1:8500';
  if (env.PRENV_CONSUL_TOKEN) terraformEnv.CONSUL_HTTP_TOKEN = env.PRENV_CONSUL_TOKEN;
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('PRENV_FAKE_TF_')) terraformEnv[key] = value;
  }
  return {
    bin: env.PRENV_TERRAFORM_BIN ?? 'terraform',
    dir: env.PRENV_TERRAFORM_DIR ?? 'terraform/environments/pr',
    ...(env.PRENV_TF_PRODUCTION_OUTPUTS
      ? { productionOutputsFile: env.PRENV_TF_PRODUCTION_OUTPUTS }
      : {}),
    ...(env.PRENV_TF_BACKEND_CONFIG ? { backendConfig: env.PRENV_TF_BACKEND_CONFIG } : {}),
    env: terraformEnv,
  };
}

/** `terraform/environments/<env>` of production or staging: a sibling of the PR module folder. */
export function clusterModuleDir(
  cwd: string,
  settings: { terraform: Pick<TerraformSettings, 'dir'> },
  env: ClusterEnvironment,
): string {
  return path.resolve(cwd, path.dirname(settings.terraform.dir), env);
}

/** Pushes onto `errors` the Terraform settings prenv no longer reads, with what replaces them. */
export function checkTerraform(env: Env, errors: string[]): void {
  if (env.PRENV_TF_VARS_FILE)
    errors.push(
      'PRENV_TF_VARS_FILE is no longer read: prenv takes what a PR needs (network_id, ' +
        "server_private_ips, ssh_key_names, consul_encrypt_key) from production's Terraform " +
        'outputs. Unset it; set PRENV_TF_PRODUCTION_OUTPUTS to a saved `terraform output -json` ' +
        "of production only if the bot cannot read production's state.",
    );
}
