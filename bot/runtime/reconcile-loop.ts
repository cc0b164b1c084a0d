import type { Config } from '../config/config.js';
import type { Logger } from '../core/logger.js';
import type { HetznerApi } from '../adapters/hetzner/index.js';
import { durationMs } from '../config/duration.js';
import type { RuntimeSettings } from '../server/serve-settings.js';
import type { Ports } from '../server/wiring.js';
import type { Engine } from './engine.js';
import { createReconciler } from './reconcile-wiring.js';
import type { ReconcileOutcome } from './reconciler.js';

export interface ReconcileLoop {
  stop(): Promise<void>;
}

/**
 * The bot's reconciler: one pass at start, then one every `reconcile.every`. A pass still
 * running when the next is due is not doubled: that turn is skipped.
 */
export function startReconcileLoop(input: {
  config: Config;
  settings: RuntimeSettings;
  ports: Ports;
  engine: Engine;
  logger: Logger;
  cwd: string;
  hetzner?: HetznerApi | null;
}): ReconcileLoop {
  const logger = input.logger.child({ component: 'reconciler' });
  const reconciler = createReconciler({ ...input, logger });
  let current: Promise<unknown> | null = null;
  const turn = () => {
    if (reconciler.busy) {
      logger.info('reconcile pass still running; skipping this turn');
      return;
    }
    current = reconciler
      .run()
      .then((outcome) => logOutcome(logger, outcome))
      .catch((err: unknown) => logger.error('reconcile pass failed', { error: String(err) }));
  };
  turn();
  const timer = setInterval(turn, durationMs(input.config.reconcile.every));
  return {
    stop: async () => {
      clearInterval(timer);
      reconciler.stop();
      await current;
    },
  };
}

function logOutcome(logger: Logger, outcome: ReconcileOutcome): void {
  for (const warning of outcome.warnings) logger.warn('reconcile: not checked', { warning });
  const findings = outcome.plan.findings.map((f) => `${f.env} ${f.kind}`);
  logger.info('reconcile pass done', {
    findings,
    cleanups: outcome.cleanups.map((c) => ({ pr: c.pr, done: c.done, error: c.error })),
    events: outcome.fed,
  });
}
