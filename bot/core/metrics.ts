/** What became of one webhook delivery at the HTTP edge. */
export type DeliveryResult =
  | 'accepted'
  | 'ignored'
  | 'duplicate'
  /** No or a wrong `X-Hub-Signature-256` (401). */
  | 'refused'
  /** Missing headers, not JSON, or a field GitHub never sends (400). */
  | 'invalid'
  /** Verified, but could not be queued (500). */
  | 'failed';

/** How a run ended (the planner's `run_finished` outcomes). */
export type RunOutcome = 'succeeded' | 'failed' | 'cancelled' | 'at_capacity';

/** The outside systems whose steps are timed. */
export type StepTool = 'terraform' | 'nomad' | 'caddy' | 'consul' | 'probe';

/**
 * The small metrics port the edge, the runtime and the adapters call; an adapter decides where
 * the numbers go (Prometheus in `prenv serve`). Durations are in milliseconds. Label values
 * must come from small fixed sets: the caller maps anything user-controlled first.
 */
export interface MetricsRecorder {
  delivery(event: string, result: DeliveryResult): void;
  run(kind: string, outcome: RunOutcome, durationMs: number): void;
  step(tool: StepTool, step: string, ok: boolean, durationMs: number): void;
  /** One HTTP request to the GitHub API (every attempt, retries included); status 0: no answer. */
  githubCall(route: string, status: number): void;
  /** `x-ratelimit-remaining` of the last answer for a `x-ratelimit-resource` (`core`, `graphql`…). */
  githubRateLimit(resource: string, remaining: number): void;
}

export const noMetrics: MetricsRecorder = {
  delivery: () => {},
  run: () => {},
  step: () => {},
  githubCall: () => {},
  githubRateLimit: () => {},
};
