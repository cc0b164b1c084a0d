import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../core/logger.js';
import {
  createTerraformRunner,
  type LeftRun,
  type TerraformRunner,
  type TfVars,
} from '../adapters/terraform/index.js';
import { previewFactsFromOutputs } from '../../generators/terraform/production-outputs.js';
import type { RuntimeSettings } from './settings.js';

/** The Terraform runner the settings describe (binary, environment, secrets, backend file). */
export function terraformFromSettings(
  settings: RuntimeSettings,
  cwd: string,
  logger: Logger,
  leftRuns: LeftRun[] = [],
): TerraformRunner {
  return createTerraformRunner({
    leftRuns,
    bin: settings.terraform.bin,
    env: settings.terraform.env,
    logger,
    secrets: settings.secrets,
    ...(settings.terraform.backendConfig
      ? { backendConfig: [path.resolve(cwd, settings.terraform.backendConfig)] }
      : {}),
  });
}

/**
 * What a PR's Terraform run needs from production (network, server IPs, SSH keys, gossip
 * key), read when called: from the saved `terraform output -json` of
 * `PRENV_TF_PRODUCTION_OUTPUTS`, else by `terraform init` + `terraform output -json` in
 * `terraform/environments/production` (beside the PR module directory). Throws
 * ProductionOutputsError naming a missing output.
 */
export function productionFactsReader(
  settings: RuntimeSettings,
  cwd: string,
  terraform: TerraformRunner,
): () => Promise<TfVars> {
  return async () => {
    const file = settings.terraform.productionOutputsFile;
    if (file) {
      const outputs = JSON.parse(await readFile(path.resolve(cwd, file), 'utf8')) as Record<
        string,
        unknown
      >;
      return { ...previewFactsFromOutputs(outputs) };
    }
    const target = {
      environment: 'production' as const,
      dir: path.join(path.dirname(path.resolve(cwd, settings.terraform.dir)), 'production'),
    };
    await terraform.init(target);
    const values = await terraform.output(target);
    const outputs = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v }]));
    return { ...previewFactsFromOutputs(outputs) };
  };
}
