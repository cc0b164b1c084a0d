import path from 'node:path';
import type { Config } from '../../config/config.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { pinoLogger } from '../../adapters/log/pino-logger.js';
import {
  clusterModuleDir,
  readRuntimeSettings,
  type RuntimeSettings,
} from '../../wiring/settings.js';
import { asCliError, checkSettingFiles } from '../cli-ports.js';
import { preflightEndpoints } from './preflight.js';
import { describeTarget } from '../../adapters/store/open-store.js';
import { wirePorts, type Ports } from '../../wiring/ports.js';
import { requireConfig } from '../config-file.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { envFor } from '../reach/staging-env.js';
import type { ClusterEnvironment } from '../../core/model.js';

export { envFor };

export interface CliRuntime {
  config: Config;
  /** Absolute path of prenv.yml. */
  configPath: string;
  settings: RuntimeSettings;
  ports: Ports;
  logger: Logger;
  close(): Promise<void>;
}

/** Config, settings and every adapter, as the bot wires them; `close` releases the state store. */
export async function loadConfigFile(
  ctx: CliContext,
  configFile: string,
): Promise<{ config: Config; configPath: string }> {
  const config = await requireConfig(configFile, ctx.cwd, ctx.env);
  return { config, configPath: path.resolve(ctx.cwd, configFile) };
}

/**
 * Settings and every adapter for `target`. `preflight`: see `preflightEndpoints`, run before
 * anything is opened. `state`: `existing` refuses a target that holds no prenv state (exit 3
 * naming PRENV_STATE: a destroy must not act on an empty world because of a typo); `create`
 * starts one there and says so on stderr (a first deploy); `unread`: the command reads
 * nothing from it (staging's destroy).
 */
export async function openRuntime(
  ctx: CliContext,
  loaded: { config: Config; configPath: string },
  target: 'production' | 'staging' | 'pr',
  options: {
    state: 'create' | 'existing' | 'unread';
    /** Check that the cluster's endpoints answer before anything is opened or run. */
    preflight?: { what: string; fetch: typeof fetch };
  },
): Promise<CliRuntime> {
  const { config, configPath } = loaded;
  const result = readRuntimeSettings(envFor(ctx.env, target));
  if (!result.ok) {
    throw new CliError(
      `cannot run: fix these variables:\n${result.errors.map((e) => `  - ${e}`).join('\n')}`,
      ExitCode.config,
    );
  }
  const settings = result.settings;
  await checkSettingFiles(settings, ctx.cwd);
  if (options.preflight)
    await preflightEndpoints({
      cluster: target === 'pr' ? 'production' : target,
      settings,
      env: ctx.env,
      ...options.preflight,
    });
  const logger = ctx.env.PRENV_DEBUG
    ? pinoLogger({ level: 'debug', secrets: settings.secrets, write: ctx.stderr })
    : silentLogger;
  const ports = await wirePorts({
    config,
    settings,
    logger,
    cwd: ctx.cwd,
    mustExist: options.state === 'existing',
  }).catch((err: unknown) => {
    throw asCliError(err);
  });
  if (ports.stateCreated && options.state === 'create')
    ctx.stderr(
      `prenv: no prenv state at ${describeTarget(ports.stateTarget)}: started an empty one there ` +
        `(PRENV_STATE names it). If the bot or earlier runs keep theirs elsewhere, stop and set PRENV_STATE to it.\n`,
    );
  return {
    config,
    configPath,
    settings,
    ports,
    logger,
    close: () => ports.store.close(),
  };
}

/** `terraform/environments/<env>`: a sibling of the PR module folder (PRENV_TERRAFORM_DIR). */
export function clusterTerraformDir(
  ctx: CliContext,
  settings: RuntimeSettings,
  env: ClusterEnvironment,
): string {
  return clusterModuleDir(ctx.cwd, settings, env);
}
