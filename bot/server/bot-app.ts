import type { Server } from 'node:http';
import type { Config } from '../config/config.js';
import type { Logger } from '../core/logger.js';
import { Engine } from '../runtime/engine.js';
import { tmpdir } from 'node:os';
import type { HetznerApi } from '../adapters/hetzner/index.js';
import { removeStaleRunDirs } from '../adapters/terraform/index.js';
import { startReconcileLoop } from '../runtime/reconcile-loop.js';
import { clusterDeployer, deployOnPushContext } from './cluster-deployer.js';
import { durationMs } from '../config/duration.js';
import { createReconciler } from '../wiring/reconciler.js';
import { checkHealth } from './health.js';
import { allowCertificateFor } from './live-hosts.js';
import { defaultWebhookHost } from '../../generators/nomad/bot-job.js';
import { close, createBotHttpServer, listen } from './http-server.js';
import type { ServeSettings } from '../wiring/settings.js';
import { serveMetrics } from './serve-metrics.js';
import { countedScreen, createWebhookHandler } from './webhook-handler.js';
import { wirePorts, type PortOverrides, type Ports } from '../wiring/ports.js';

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
  const deployOnPush = deployOnPushContext(config);
  // Before listening: a state that cannot be read stops the bot here, with what to do.
  await store.loadWorld();
  const engine = new Engine({
    store,
    github: ports.github,
    ops: ports.ops,
    logger,
    secrets: settings.secrets,
    settleMs: settings.settleMs,
    queueEditDebounceMs: settings.queueEditDebounceMs,
    // Pushes to production's and staging's branches deploy them (`deploy_on_push`).
    context: () => ({ ...ports.context(), deployOnPush }),
    clusterDeployer: clusterDeployer({ config, settings, ports, cwd: input.cwd, logger }),
    metrics: metrics.recorder,
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
    metrics: metrics.scrape,
    allowCertificate: allowCertificateFor(config, async () => (await store.loadWorld()).world, [
      settings.webhookHost ?? defaultWebhookHost(config),
    ]),
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
  const reconcileLogger = logger.child({ component: 'reconciler' });
  const reconcileLoop = settings.reconcile
    ? startReconcileLoop({
        reconciler: createReconciler({
          config,
          settings,
          ports,
          engine,
          logger: reconcileLogger,
          cwd: input.cwd,
          ...(input.hetzner !== undefined ? { hetzner: input.hetzner } : {}),
        }),
        everyMs: durationMs(config.reconcile.every),
        logger: reconcileLogger,
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
