import { pinoLogger } from '../../adapters/log/pino-logger.js';
import { StateStoreError } from '../../adapters/store/store-error.js';
import { startBotApp } from '../../server/bot-app.js';
import { webhookHostOf } from '../../../generators/nomad/webhook-host.js';
import { readLogLevel } from '../../server/log-level.js';
import { readServeSettings } from '../../wiring/settings.js';
import { checkSettingFiles } from '../cli-ports.js';
import { requireConfig } from '../config-file.js';
import { CliError, ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { ActionInput } from '../command-spec.js';

interface ServeOptions {
  /** Parsed by commander (`whole`). */
  port: number;
  host: string;
}

export async function action({
  ctx,
  program,

  opts,
}: ActionInput<ServeOptions>): Promise<ExitCodeValue> {
  const { port } = opts;
  const config = await requireConfig(program.opts<{ config: string }>().config, ctx.cwd);
  const result = readServeSettings(ctx.env);
  const logLevel = readLogLevel(ctx.env);
  const clash = result.ok
    ? webhookHostOf(config, result.settings.webhookHost, 'PRENV_WEBHOOK_HOST').clash
    : null;
  const errors = [
    ...(result.ok ? [] : result.errors),
    ...(logLevel.ok ? [] : [logLevel.error]),
    ...(clash ? [clash] : []),
  ];
  if (!result.ok || !logLevel.ok || clash) {
    throw new CliError(
      `cannot start the bot:\n${errors.map((e) => `  - ${e}`).join('\n')}`,
      ExitCode.config,
    );
  }
  await checkSettingFiles(result.settings, ctx.cwd);
  const logger = pinoLogger({
    level: logLevel.level,
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
    env: ctx.env,
  }).catch((err: unknown) => {
    if (err instanceof StateStoreError)
      throw new CliError(`cannot start the bot: ${err.message}`, ExitCode.failure);
    throw listenError(err, opts) ?? err;
  });
  const lost = await Promise.race([waitForSignal().then(() => null), app.leadershipLost]);
  logger.info('shutting down', lost ? { reason: `lost the leader lock: ${lost}` } : {});
  await app.stop();
  // A replica that lost the lock exits non-zero, so Nomad starts it again as a follower.
  return lost ? ExitCode.failure : ExitCode.ok;
}

/** A port or address the bot cannot listen on, as the flag to change; undefined otherwise. */
function listenError(err: unknown, opts: ServeOptions): CliError | undefined {
  const e = err as NodeJS.ErrnoException & { syscall?: string };
  if (e.syscall !== 'listen' && e.syscall !== 'getaddrinfo') return undefined;
  const where = `${opts.host}:${opts.port}`;
  if (e.code === 'EADDRINUSE')
    return new CliError(`cannot listen on ${where}: the port is in use; pass another --port`);
  if (e.code === 'EACCES')
    return new CliError(
      `cannot listen on ${where}: permission denied; pass a --port above 1023`,
      ExitCode.usage,
    );
  return new CliError(
    `cannot listen on ${where} (${e.code ?? e.message}): pass an address of this machine as --host, e.g. 127.0.0.1 or 0.0.0.0`,
    ExitCode.usage,
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
