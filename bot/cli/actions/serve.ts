import { pinoLogger } from '../../adapters/log/pino-logger.js';
import { startBotApp } from '../../server/bot-app.js';
import { readServeSettings } from '../../server/serve-settings.js';
import { requireConfig } from '../config-file.js';
import { CliError, ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { ActionInput } from '../command-spec.js';

interface ServeOptions {
  port: string;
  host: string;
}

export async function action({
  ctx,
  program,

  opts,
}: ActionInput<ServeOptions>): Promise<ExitCodeValue> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new CliError(`--port must be a port number, got "${opts.port}"`, ExitCode.usage);
  }
  const config = await requireConfig(program.opts<{ config: string }>().config, ctx.cwd);
  const result = readServeSettings(ctx.env);
  if (!result.ok) {
    throw new CliError(
      `cannot start the bot:\n${result.errors.map((e) => `  - ${e}`).join('\n')}`,
      ExitCode.config,
    );
  }
  const logger = pinoLogger({
    level: ctx.env.PRENV_LOG_LEVEL === 'debug' ? 'debug' : 'info',
    secrets: result.settings.secrets,
    write: ctx.stderr,
  });
  const app = await startBotApp({
    config,
    settings: result.settings,
    logger,
    port,
    host: opts.host,
    cwd: ctx.cwd,
  });
  await waitForSignal();
  logger.info('shutting down');
  await app.stop();
  return ExitCode.ok;
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
