/**
 * Least time between two deliveries the engine plans while webhooks are coming in (ms). A plan
 * costs about half a millisecond of the event loop, so the engine keeps under a tenth of it in a
 * storm and still plans a couple of hundred deliveries a second; the queue is durable, and
 * GitHub waits for the answer to its request (at most 10 s), never for the plan.
 */
export const INTAKE_PAUSE_MS = 5;

/**
 * How long after the last answered request the intake still counts as busy (ms): a keep-alive
 * client sends its next delivery within a fraction of a millisecond of the answer.
 */
const QUIET_AFTER_MS = 2;

/**
 * Webhook requests being received or answered now, shared by the HTTP edge (which counts them)
 * and the engine (which plans at a lower priority while there are any, see `yielded`).
 */
export class IntakeLoad {
  private inFlight = 0;
  private lastEndedAt = -Infinity;

  constructor(
    private readonly pauseMs = INTAKE_PAUSE_MS,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Counts one request from its first byte; call the returned function (once) when answered. */
  begin(): () => void {
    this.inFlight++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlight--;
      this.lastEndedAt = this.clock();
    };
  }

  /** Whether a request is being received or was answered within the last `QUIET_AFTER_MS`. */
  get busy(): boolean {
    return this.inFlight > 0 || this.clock() - this.lastEndedAt < QUIET_AFTER_MS;
  }

  /** Resolves at once when the intake is quiet, else after `pauseMs` (the engine's turn). */
  yielded(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => setTimeout(resolve, this.pauseMs));
  }
}
