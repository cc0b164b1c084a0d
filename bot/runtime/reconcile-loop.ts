import type { Logger } from '../core/logger.js';
import type { ReconcileOutcome, Reconciler } from './reconciler.js';

export interface ReconcileLoop {
  stop(): Promise<void>;
}

/**
 * The bot's reconciler: one pass at start, then one every `everyMs` (prenv.yml's
 * `reconcile.every`). A pass still running when the next is due is not doubled: that turn is
 * skipped. `logger` is the reconciler's own (component `reconciler`).
 */
export function startReconcileLoop(input: {
  reconciler: Reconciler;
  everyMs: number;
  logger: Logger;
}): ReconcileLoop {
  const { reconciler, logger } = input;
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
  const timer = setInterval(turn, input.everyMs);
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
