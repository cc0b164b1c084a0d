import type { Command } from 'commander';
import { jsonLogger } from '../../adapters/log/json-logger.js';
import { StateStoreError } from '../../adapters/store/store-error.js';
import { startBotApp } from '../../server/bot-app.js';
import { readServeSettings } from '../../server/serve-settings.js';
import { requireConfig } from '../config-file.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { ActionRunner } from '../program.js';

interface ServeOptions {
  port: string;
  host: string;
}

export function registerServe(program: Command, ctx: CliContext, run: ActionRunner): void {
  program
    .command('serve')
    .description(
      'run the GitHub App bot: webhooks in, PR environments out (credentials from PRENV_* variables)',
    )
    .option('--port <n>', 'port to listen on', '8080')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .action((opts: ServeOptions) =>
      run(async () => {
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
        const logger = jsonLogger({
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
        }).catch((err: unknown) => {
          if (err instanceof StateStoreError)
            throw new CliError(`cannot start the bot: ${err.message}`, ExitCode.failure);
          throw err;
        });
        await waitForSignal();
        logger.info('shutting down');
        await app.stop();
        return ExitCode.ok;
      }),
    );
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
