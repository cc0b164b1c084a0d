import type { EnvironmentOps, RunContext } from '../../runtime/environment-ops.js';
import type { Progress } from './progress.js';

/**
 * The PR pipelines pass Terraform's own progress lines (plan and apply summaries, per-resource
 * completions) through `step` too; they are shown as notes under the Terraform step.
 */
const TERRAFORM_LINE =
  /^(Plan: \d|Apply complete!|Destroy complete!|\S+: (Creation|Destruction|Modifications) complete)/;

/**
 * The bot's PR pipelines with each step also shown as CLI progress. Steps of another PR (the
 * next queued one, started when a destroy frees its slot) are shown with its name in front.
 */
export function opsWithProgress(
  ops: EnvironmentOps,
  progress: Progress,
  target: number,
): EnvironmentOps {
  const observe = async (pr: number, run: RunContext, body: (run: RunContext) => Promise<void>) => {
    const lane = `pr-${pr}`;
    const prefix = pr === target ? '' : `${lane}: `;
    const inner: RunContext = {
      signal: run.signal,
      step: (name) => {
        if (TERRAFORM_LINE.test(name)) progress.note(name, lane);
        else progress.start(`${prefix}${name}`, lane);
        run.step(name);
      },
    };
    try {
      await body(inner);
      progress.end('ok', lane);
    } catch (err) {
      progress.end('failed', lane);
      throw err;
    }
  };
  return {
    provision: (pr, run) => observe(pr, run, (r) => ops.provision(pr, r)),
    deploy: (pr, sha, run) => observe(pr, run, (r) => ops.deploy(pr, sha, r)),
    destroy: (pr, run) => observe(pr, run, (r) => ops.destroy(pr, r)),
  };
}
