import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../core/logger.js';
import {
  createTerraformRunner,
  type LeftRun,
  type TerraformRunner,
  type TfVars,
} from '../adapters/terraform/index.js';
import type { RuntimeSettings } from './serve-settings.js';

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

/** The PR module's variables besides the rendered ones (`PRENV_TF_VARS_FILE`), or none. */
export async function readExtraTerraformVars(
  settings: RuntimeSettings,
  cwd: string,
): Promise<TfVars> {
  if (!settings.terraform.varsFile) return {};
  return JSON.parse(
    await readFile(path.resolve(cwd, settings.terraform.varsFile), 'utf8'),
  ) as TfVars;
}
