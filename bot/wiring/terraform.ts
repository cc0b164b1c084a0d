import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from '../core/logger.js';
import {
  createTerraformRunner,
  removeStaleRunDirs,
  type LeftRun,
  type TerraformRunner,
  type TfVars,
} from '../adapters/terraform/index.js';
import { previewFactsFromOutputs } from '../../generators/terraform/production-outputs.js';
import type { RuntimeSettings } from './settings.js';

/**
 * Removes the run folders dead prenv processes of this user left in the temporary folder
 * (`removeStaleRunDirs`: Terraform's output files and `-var-file`s, which hold variable values),
 * and returns the runs they left unfinished, for the runner's `leftRuns`. `terraformFromSettings`
 * calls it, so `prenv serve` at start and each CLI command that runs Terraform sweep, and the
 * folders of a CLI killed by a signal do not stay for ever. A folder that cannot be removed is
 * logged, never an error: the command's own work goes on.
 */
export async function sweepRunDirs(logger: Logger, tmpDir = tmpdir()): Promise<LeftRun[]> {
  try {
    const { removed, leftRuns } = await removeStaleRunDirs(tmpDir);
    if (removed.length > 0)
      logger.info('removed run folders a killed prenv left', {
        folders: removed.length,
        unfinished: leftRuns.map((r) => r.stateKey),
      });
    return leftRuns;
  } catch (err) {
    logger.warn('could not remove the run folders a killed prenv left', {
      error: String(err),
    });
    return [];
  }
}

/**
 * The Terraform runner the settings describe (binary, environment, secrets, backend file),
 * made after `sweepRunDirs`: every process that runs Terraform makes its runner here, so each
 * sweeps the run folders dead prenv processes left, and its runner checks their runs' locks.
 */
export async function terraformFromSettings(
  settings: RuntimeSettings,
  cwd: string,
  logger: Logger,
): Promise<TerraformRunner> {
  return createTerraformRunner({
    leftRuns: await sweepRunDirs(logger),
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
