import type { Server } from 'node:http';
import type { Config } from '../config/config.js';
import type { Logger } from '../core/logger.js';
import { Engine } from '../runtime/engine.js';
import { tmpdir } from 'node:os';
import type { HetznerApi } from '../adapters/hetzner/index.js';
import { removeStaleRunDirs } from '../adapters/terraform/index.js';
import { startReconcileLoop } from '../runtime/reconcile-loop.js';
import { createDashboard } from './dashboard/routes.js';
import { RunLog } from './dashboard/run-log.js';
import { checkHealth } from './health.js';
import { allowCertificateFor } from './live-hosts.js';
import { close, createBotHttpServer, listen } from './http-server.js';
import type { ServeSettings } from './serve-settings.js';
import { serveMetrics } from './serve-metrics.js';
import { countedScreen, createWebhookHandler } from './webhook-handler.js';
import { wirePorts, type PortOverrides, type Ports } from './wiring.js';

export interface BotApp {
  port: number;
  engine: Engine;
  stop(): Promise<void>;
}

/** Wires the bot from a config and its settings, and starts listening. */
export async function startBotApp(input: {
  config: Config;
  settings: ServeSettings;
  logger: Logger;
  port: number;
  host: string;
  cwd: string;
  /** Replacements for the outside world (the demo runs against a simulated cloud). */
  overrides?: PortOverrides;
  /** The Hetzner API for the reconciler (default: from the settings; null: servers unchecked). */
  hetzner?: HetznerApi | null;
}): Promise<BotApp> {
  const { config, settings, logger } = input;
  // Run folders a killed bot left (Terraform output, -var-files holding values); their runs'
  // states may be locked by nobody, which the runner then checks at once.
  const stale = await removeStaleRunDirs(tmpdir());
  if (stale.removed.length > 0)
    logger.info('removed run folders a previous bot left', {
      folders: stale.removed.length,
      unfinished: stale.leftRuns.map((r) => r.stateKey),
    });
  // The gauges read the store at each scrape, and the store comes with the ports.
  const metrics = serveMetrics(config, () => ports.store);
  const ports: Ports = await wirePorts({
    metrics: metrics.recorder,
    config,
    settings,
    logger,
    cwd: input.cwd,
    leftRuns: stale.leftRuns,
    ...(input.overrides ? { overrides: input.overrides } : {}),
  });
  const { store } = ports;
  // Before listening: a state that cannot be read stops the bot here, with what to do.
  await store.loadWorld();
  const runs = new RunLog({ secrets: settings.secrets });
  const publicUrl = settings.dashboard?.publicUrl ?? null;
  const dashboard = createDashboard({
    config,
    world: async () => (await store.loadWorld()).world,
    runs,
    secret: settings.webhookSecret,
    publicUrl,
    oauth: settings.dashboard?.oauth
      ? { ...settings.dashboard.oauth, apiUrl: settings.githubApiUrl }
      : null,
    logger,
  });
  const engine = new Engine({
    store,
    github: ports.github,
    ops: ports.ops,
    logger,
    secrets: settings.secrets,
    settleMs: settings.settleMs,
    queueEditDebounceMs: settings.queueEditDebounceMs,
    context: ports.context,
    metrics: metrics.recorder,
    runObserver: runs,
    ...(publicUrl ? { logsUrl: (pr: number) => `${publicUrl}/pr/${pr}` } : {}),
    ...(config.previews.protect === 'none'
      ? {}
      : {
          deploymentPayload: (pr: number) => ({
            prenv_bypass_token: dashboard.gate.bypassToken(pr),
          }),
        }),
  });
  const wake = () =>
    void engine
      .drain()
      .catch((err: unknown) => logger.error('drain failed', { error: String(err) }));
  const server: Server = createBotHttpServer({
    handleWebhook: createWebhookHandler({
      secret: settings.webhookSecret,
      store,
      appLogin: settings.appLogin,
      repository: `${config.github.owner}/${config.github.repo}`,
      logger,
      now: Date.now,
      onQueued: wake,
      metrics: metrics.recorder,
    }),
    screenWebhook: countedScreen(metrics.recorder),
    pages: dashboard.handle,
    metrics: metrics.scrape,
    allowCertificate: allowCertificateFor(config, async () => (await store.loadWorld()).world),
    health: () =>
      checkHealth({
        store,
        lastProgressAt: () => engine.lastProgressAt,
        stallMs: settings.stallMs,
      }),
    logger,
  });
  const port = await listen(server, input.port, input.host);
  logger.info('listening', { port, host: input.host, webhook: '/webhooks/github' });
  await engine.start();
  const reconcileLoop = settings.reconcile
    ? startReconcileLoop({
        config,
        settings,
        ports,
        engine,
        logger,
        cwd: input.cwd,
        ...(input.hetzner !== undefined ? { hetzner: input.hetzner } : {}),
      })
    : null;
  const ticker = setInterval(() => {
    void engine
      .tick()
      .then(() => engine.drain())
      .catch((err: unknown) => logger.error('tick failed', { error: String(err) }));
  }, settings.tickMs);
  return {
    port,
    engine,
    stop: async () => {
      clearInterval(ticker);
      await reconcileLoop?.stop();
      await close(server);
      await engine.stop();
      await store.close();
    },
  };
}
