import type { Server } from 'node:http';
import type { Config } from '../config/config.js';
import type { Logger } from '../core/logger.js';
import { Engine } from '../runtime/engine.js';
import { IntakeLoad } from '../runtime/intake-load.js';
import type { HetznerApi } from '../adapters/hetzner/index.js';
import { startReconcileLoop } from '../runtime/reconcile-loop.js';
import { clusterDeployer, deployOnPushContext } from './cluster-deployer.js';
import { deployPreflight } from './deploy-preflight.js';
import { durationMs } from '../config/duration.js';
import { createReconciler } from '../wiring/reconciler.js';
import { startDeliveryPruning } from './delivery-retention.js';
import { createDashboard } from './dashboard/routes.js';
import { RunLog } from './dashboard/run-log.js';
import { logsPath } from './dashboard/paths.js';
import { checkHealth, publicHealth } from './health.js';
import { allowCertificateFor } from './live-hosts.js';
import { defaultWebhookHost } from '../../generators/nomad/webhook-host.js';
import { close, createBotHttpServer, listen } from './http-server.js';
import type { ServeSettings } from '../wiring/settings.js';
import { serveMetrics } from './serve-metrics.js';
import { countedScreen, createWebhookHandler } from './webhook-handler.js';
import { wirePorts, type PortOverrides, type Ports } from '../wiring/ports.js';
import { leaderElectionFor, watchQueue } from './leadership.js';

/**
 * How long a stopping bot lets GitHub calls run (ms): the queue edits and deployment statuses
 * still to send are flushed within it, then every GitHub call in flight or waiting for a
 * retry is abandoned. Below Nomad's default `kill_timeout` (5 s), after which Nomad kills the
 * task (developer.hashicorp.com/nomad/docs/job-specification/task#kill_timeout).
 */
export const SHUTDOWN_GRACE_MS = 3_000;

export interface BotApp {
  port: number;
  engine: Engine;
  /** Resolves when this replica lost the leader lock (Consul state): it must exit. */
  leadershipLost: Promise<string>;
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
  /**
   * The variables the settings were read from. Set, every deploy run first checks that its
   * cluster's Nomad, Consul and Caddy admin API answer (`deployPreflight`), as `prenv deploy` does.
   */
  env?: Record<string, string | undefined>;
}): Promise<BotApp> {
  const { config, settings, logger } = input;
  // The gauges read the store at each scrape, and the store comes with the ports.
  const metrics = serveMetrics(config, () => ports.store);
  const githubStop = new AbortController();
  const preflight = input.env ? deployPreflight(input.env) : undefined;
  const ports: Ports = await wirePorts({
    githubStop: githubStop.signal,
    metrics: metrics.recorder,
    config,
    settings,
    logger,
    cwd: input.cwd,
    previewSecret: settings.webhookSecret,
    sampleSlotsAtStart: true,
    ...(preflight ? { preflight: (what: string) => preflight('production', what, settings) } : {}),
    ...(input.overrides ? { overrides: input.overrides } : {}),
  });
  const { store } = ports;
  const deployOnPush = deployOnPushContext(config);
  // Before listening: a state that cannot be read stops the bot here, with what to do.
  await closingOnFailure(store.loadWorld(), () => store.close());
  // Finished runs' output kept by an earlier bot, before any run starts writing.
  const runs = new RunLog({
    secrets: settings.secrets,
    store,
    logger,
    ...(settings.runLogRetention ? { retention: settings.runLogRetention } : {}),
  });
  await runs
    .restore()
    .catch((err: unknown) =>
      logger.warn('could not read the kept run logs', { error: (err as Error).message }),
    );
  const publicUrl = settings.dashboard?.publicUrl ?? null;
  const dashboard = createDashboard({
    config,
    world: async () => (await store.loadWorld()).world,
    runs,
    slotSamples: (since) => store.slotSamples(since),
    secret: settings.webhookSecret,
    publicUrl,
    oauth: settings.dashboard?.oauth
      ? { ...settings.dashboard.oauth, apiUrl: settings.githubApiUrl }
      : null,
    logger,
  });
  // In a storm of deliveries the engine plans between requests, not instead of them.
  const intake = new IntakeLoad();
  const engine = new Engine({
    store,
    yieldToIntake: () => intake.yielded(),
    github: ports.github,
    ops: ports.ops,
    logger,
    secrets: settings.secrets,
    settleMs: settings.settleMs,
    queueEditDebounceMs: settings.queueEditDebounceMs,
    // Pushes to production's and staging's branches deploy them (`deploy_on_push`).
    context: () => ({ ...ports.context(), deployOnPush }),
    clusterDeployer: clusterDeployer({
      config,
      settings,
      ports,
      cwd: input.cwd,
      logger,
      ...(preflight ? { preflight } : {}),
    }),
    metrics: metrics.recorder,
    runObserver: runs,
    runAbandonMs: settings.runAbandonMs,
    // PR runs and production's and staging's deploys on push alike: each status its run's page.
    ...(publicUrl
      ? {
          logsUrl: (environment: string, runId?: string) =>
            `${publicUrl}${logsPath(environment, runId)}`,
        }
      : {}),
    ...(config.previews.protect === 'none'
      ? {}
      : {
          deploymentPayload: (pr: number) => ({
            prenv_bypass_token: dashboard.gate.bypassToken(pr),
          }),
        }),
  });
  // With a Consul state several replicas run: all take webhooks, the leader runs the work.
  const election = ports.stateConsul
    ? leaderElectionFor(ports.stateConsul, ports.stateTarget, settings, logger)
    : null;
  const leading = () => election === null || election.election?.isLeader === true;
  const wake = () => {
    if (!leading()) return;
    void engine
      .drain()
      .catch((err: unknown) => logger.error('drain failed', { error: String(err) }));
  };
  const healthToShow = publicHealth(logger.child({ component: 'health' }));
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
    intake,
    pages: dashboard.handle,
    metrics: metrics.scrape,
    allowCertificate: allowCertificateFor(config, async () => (await store.loadWorld()).world, [
      settings.webhookHost ?? defaultWebhookHost(config),
    ]),
    health: async () =>
      healthToShow(
        await checkHealth({
          store,
          // A follower does no work: the leader's health says whether the queue moves.
          lastProgressAt: () => (leading() ? engine.lastProgressAt : Date.now()),
          stallMs: settings.stallMs,
        }),
      ),
    logger,
  });
  // Nothing has started yet but the store: a port in use or a foreign --host closes it again.
  const port = await closingOnFailure(listen(server, input.port, input.host), () => store.close());
  logger.info('listening', { port, host: input.host, webhook: '/webhooks/github' });
  let reconcileLoop: { stop(): Promise<void> } | null = null;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let queueWatch: { stop(): void } | null = null;
  let stopPruning: () => void = () => undefined;
  const reconcileLogger = logger.child({ component: 'reconciler' });
  const work = async () => {
    await engine.start();
    reconcileLoop = settings.reconcile
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
    stopPruning = startDeliveryPruning({
      store,
      retentionMs: settings.deliveryRetentionMs,
      logger,
    });
    ticker = setInterval(() => {
      void engine
        .tick()
        .then(() => engine.drain())
        .catch((err: unknown) => logger.error('tick failed', { error: String(err) }));
    }, settings.tickMs);
    // Deliveries other replicas queue reach the leader through a blocking query on the queue.
    if (ports.stateConsul && ports.stateTarget.kind === 'consul')
      queueWatch = watchQueue(ports.stateConsul.kv, ports.stateTarget.prefix, wake, logger);
  };
  const stop = async () => {
    const deadline = Date.now() + SHUTDOWN_GRACE_MS;
    const abandon = setTimeout(() => githubStop.abort(), SHUTDOWN_GRACE_MS);
    clearInterval(ticker);
    queueWatch?.stop();
    stopPruning();
    await reconcileLoop?.stop();
    await close(server);
    // A delivery whose GitHub lookup is abandoned is not completed: it stays queued.
    await engine.stop(Math.max(0, deadline - Date.now()));
    githubStop.abort();
    clearTimeout(abandon);
    await election?.election?.stop();
    await runs.flushed();
    await store.close();
  };
  let lost: (reason: string) => void = () => undefined;
  const leadershipLost = new Promise<string>((resolve) => (lost = resolve));
  if (election)
    election.start({
      onAcquired: () =>
        void work().catch((err: unknown) => {
          logger.error('could not start the work', { error: (err as Error).message });
          lost(`could not start the work: ${(err as Error).message}`);
        }),
      onLost: (reason) => {
        // Another replica may lead now: stop starting anything at once.
        void engine.stop(0);
        lost(reason);
      },
    });
  else await closingOnFailure(work(), stop);
  return { port, engine, leadershipLost, stop };
}

/**
 * `step`'s result; when it throws, `close` runs first (its own error is dropped: the step's is
 * the one to report), so a bot that cannot start leaves no store, thread or timer open and the
 * process can exit.
 */
async function closingOnFailure<T>(step: Promise<T>, close: () => Promise<void>): Promise<T> {
  try {
    return await step;
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}
