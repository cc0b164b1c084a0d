import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsRecorder } from '../../core/metrics.js';

/** The gauges read at each scrape rather than kept up to date. */
export interface GaugeSample {
  /** Webhook deliveries received and not yet processed (counted up to `PENDING_COUNT_LIMIT`). */
  deliveriesPending: number;
  /** PRs waiting for a free slot. */
  queued: number;
  slotsUsed: number;
  slotsMax: number;
}

/** Most pending deliveries a scrape counts: beyond it the worker is stuck anyway. */
export const PENDING_COUNT_LIMIT = 1_000;

export interface PrometheusMetrics {
  recorder: MetricsRecorder;
  registry: Registry;
  /** The exposition text (`text/plain; version=0.0.4`) after reading the gauges. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

/** Runs take minutes: Terraform creates a server, Nomad pulls images, Consul checks pass. */
const RUN_BUCKETS_S = [5, 15, 30, 60, 120, 300, 600, 900, 1_200, 1_800, 3_600];
const STEP_BUCKETS_S = [0.05, 0.25, 1, 5, 15, 30, 60, 120, 300, 600, 1_200];

/**
 * prenv's metrics on a registry of their own (one per bot instance, so tests can start several
 * in one process), with prom-client's default process and Node.js metrics. Names, types, labels
 * and units follow Prometheus' naming conventions (base units: seconds; `_total` counters); the
 * README's "Metrics" section lists them.
 */
export function createPrometheusMetrics(input: {
  sample: () => Promise<GaugeSample>;
  defaultMetrics?: boolean;
}): PrometheusMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (input.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const deliveries = new Counter({
    name: 'prenv_webhook_deliveries_total',
    help: 'Webhook deliveries received, by GitHub event and what became of them.',
    labelNames: ['event', 'result'] as const,
    registers,
  });
  const pending = new Gauge({
    name: 'prenv_deliveries_pending',
    help: `Deliveries queued and not yet processed (counted up to ${PENDING_COUNT_LIMIT}).`,
    registers,
  });
  const queued = new Gauge({
    name: 'prenv_preview_queue_depth',
    help: 'Pull requests waiting for a free preview slot.',
    registers,
  });
  const slotsUsed = new Gauge({
    name: 'prenv_slots_used',
    help: 'Preview slots held (provisioning to destroying, and failed).',
    registers,
  });
  const slotsMax = new Gauge({
    name: 'prenv_slots_max',
    help: 'Preview slots at most (previews.max in prenv.yml).',
    registers,
  });
  const runs = new Histogram({
    name: 'prenv_run_duration_seconds',
    help: 'Runs (provision, deploy, redeploy, destroy; deploy_production and deploy_staging on push) by kind and outcome, and how long they took.',
    labelNames: ['kind', 'outcome'] as const,
    buckets: RUN_BUCKETS_S,
    registers,
  });
  const steps = new Histogram({
    name: 'prenv_step_duration_seconds',
    help: 'Steps of a run against Terraform, Nomad, Caddy and Consul, and how long they took.',
    labelNames: ['tool', 'step', 'result'] as const,
    buckets: STEP_BUCKETS_S,
    registers,
  });
  const githubCalls = new Counter({
    name: 'prenv_github_requests_total',
    help: 'HTTP requests to the GitHub API (each attempt), by route template and status (0: no answer).',
    labelNames: ['route', 'status'] as const,
    registers,
  });
  const rateLimit = new Gauge({
    name: 'prenv_github_rate_limit_remaining',
    help: 'x-ratelimit-remaining of the last GitHub answer, by x-ratelimit-resource.',
    labelNames: ['resource'] as const,
    registers,
  });
  const recorder: MetricsRecorder = {
    delivery: (event, result) => deliveries.inc({ event, result }),
    run: (kind, outcome, ms) => runs.observe({ kind, outcome }, ms / 1000),
    step: (tool, step, ok, ms) =>
      steps.observe({ tool, step, result: ok ? 'ok' : 'error' }, ms / 1000),
    githubCall: (route, status) => githubCalls.inc({ route, status: String(status) }),
    githubRateLimit: (resource, remaining) => rateLimit.set({ resource }, remaining),
  };
  return {
    recorder,
    registry,
    scrape: async () => {
      const s = await input.sample();
      pending.set(s.deliveriesPending);
      queued.set(s.queued);
      slotsUsed.set(s.slotsUsed);
      slotsMax.set(s.slotsMax);
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
