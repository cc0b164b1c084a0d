import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../config/config.js';
import type { Logger } from '../core/logger.js';
import { StateStoreError } from '../adapters/store/store-error.js';
import { readRuntimeSettings, type RuntimeSettings } from '../server/serve-settings.js';
import { wirePorts, type Ports } from '../server/wiring.js';
import { requireConfig } from './config-file.js';
import type { CliContext } from './context.js';
import { CliError, ExitCode } from './exit-codes.js';

export interface CliPorts {
  config: Config;
  settings: RuntimeSettings;
  ports: Ports;
  close(): Promise<void>;
}

/** prenv.yml and the PRENV_* settings, or the CLI error that says what is wrong. */
export async function loadCliSettings(
  program: Command,
  ctx: CliContext,
): Promise<{ config: Config; settings: RuntimeSettings }> {
  const config = await requireConfig(program.opts<{ config: string }>().config, ctx.cwd);
  const result = readRuntimeSettings(ctx.env);
  if (!result.ok)
    throw new CliError(
      `invalid settings:\n${result.errors.map((e) => `  - ${e}`).join('\n')}`,
      ExitCode.config,
    );
  return { config, settings: result.settings };
}

/**
 * The adapters, with the state store at PRENV_STATE. With `requireState`, a missing state
 * file is an error (a wrong path must not look like "no environments").
 */
export async function openCliPorts(
  program: Command,
  ctx: CliContext,
  logger: Logger,
  options: { requireState: boolean },
): Promise<CliPorts> {
  const { config, settings } = await loadCliSettings(program, ctx);
  const statePath = path.resolve(ctx.cwd, settings.statePath);
  if (options.requireState && !existsSync(statePath))
    throw new CliError(
      `no prenv state at ${statePath}: set PRENV_STATE to the bot's state file (default .prenv/state.db), or run this where the bot keeps it`,
      ExitCode.failure,
    );
  const ports = await wirePorts({ config, settings, logger, cwd: ctx.cwd }).catch(
    (err: unknown) => {
      if (err instanceof StateStoreError) throw new CliError(err.message, ExitCode.failure);
      throw err;
    },
  );
  return { config, settings, ports, close: () => ports.store.close() };
}
