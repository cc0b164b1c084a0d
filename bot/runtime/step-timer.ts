import type { MetricsRecorder, StepTool } from '../core/metrics.js';

export type TimeStep = <T>(
  tool: StepTool,
  step: string,
  work: () => Promise<T>,
  succeeded?: (result: T) => boolean,
) => Promise<T>;

/**
 * Runs one step of a pipeline and records how long it took and whether it succeeded: it
 * failed when it throws or when `succeeded` says so of its result (a wait that timed out).
 */
export function stepTimer(metrics: MetricsRecorder): TimeStep {
  return async (tool, step, work, succeeded) => {
    const started = performance.now();
    let ok = false;
    try {
      const result = await work();
      ok = succeeded ? succeeded(result) : true;
      return result;
    } finally {
      metrics.step(tool, step, ok, performance.now() - started);
    }
  };
}
