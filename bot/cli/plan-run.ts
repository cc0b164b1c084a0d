import type { Config } from '../config/config.js';
import type { DeployPlan } from '../../generators/deploy-plan.js';
import { checkJobFile } from '../../generators/validate/job-file.js';
import type { JobspecSchema } from '../../generators/validate/jobspec.js';
import {
  assertOwned,
  summarizePlan,
  withOwnerMeta,
  type NomadApi,
  type PlanSummary as NomadPlanSummary,
} from '../adapters/nomad/index.js';
import {
  stateKey,
  type ChangeCounts,
  type TerraformRunner,
  type TfTarget,
  type TfVars,
} from '../adapters/terraform/index.js';

export interface PlanDeps {
  config: Config;
  terraform: TerraformRunner;
  nomad: NomadApi;
  schema: JobspecSchema;
  step: (what: string) => void;
}

/**
 * `prenv plan --json`: `env`, `sha`, then `terraform` (`dir` relative to the working folder, `stateKey`, `ok`, `hasChanges`,
 * `changes` {add, change, destroy}, `resources` [{address, action}], `error`) and `nomad`
 * (`ok`, `jobs` [{jobId, change, groups, unplaceable}], `error`); `changes`: anything to do.
 */
export interface PlanReport {
  env: string;
  sha: string;
  terraform: {
    dir: string;
    stateKey: string;
    ok: boolean;
    hasChanges: boolean;
    changes: ChangeCounts | null;
    resources: { address: string; action: string }[];
    error: string | null;
  };
  nomad: {
    ok: boolean;
    jobs: Omit<NomadPlanSummary, 'text'>[];
    text: string[];
    error: string | null;
  };
  changes: boolean;
}

/**
 * Terraform plan and Nomad plan of what the deploy plan (generators/deploy-plan.ts) of one
 * environment would apply and submit; neither changes anything. `tf.vars` are added to the
 * plan's own Terraform variables (a PR's facts from production's outputs).
 */
export async function planEnvironment(
  deps: PlanDeps,
  plan: DeployPlan,
  sha: string,
  tf: { dir: string; vars: TfVars; display: string },
): Promise<PlanReport> {
  const apply = plan.steps.find((s) => s.kind === 'terraform-apply');
  if (!apply) throw new Error(`the deploy plan of ${plan.env} has no Terraform step`);
  const target: TfTarget = { ...apply.target, dir: tf.dir };
  const terraform: PlanReport['terraform'] = {
    dir: tf.display,
    stateKey: stateKey(target),
    ok: true,
    hasChanges: false,
    changes: null,
    resources: [],
    error: null,
  };
  try {
    deps.step(`terraform init ${plan.env}`);
    await deps.terraform.init(target);
    deps.step(`terraform plan ${plan.env}`);
    const summary = await deps.terraform.plan(
      target,
      { ...apply.vars, ...tf.vars },
      {
        onProgress: (e) => {
          if (e.type === 'planned_change' && e.resource)
            terraform.resources.push({ address: e.resource, action: e.action ?? 'change' });
        },
      },
    );
    terraform.hasChanges = summary.hasChanges;
    terraform.changes = summary.changes;
  } catch (err) {
    terraform.ok = false;
    terraform.error = (err as Error).message;
  }
  const nomad = await planJobs(deps, plan, sha);
  return {
    env: plan.env,
    sha,
    terraform,
    nomad,
    changes: terraform.hasChanges || nomad.jobs.some((j) => j.change !== 'none'),
  };
}

async function planJobs(
  deps: PlanDeps,
  plan: DeployPlan,
  sha: string,
): Promise<PlanReport['nomad']> {
  const out: PlanReport['nomad'] = { ok: true, jobs: [], text: [], error: null };
  const apply = plan.steps.find((s) => s.kind === 'terraform-apply');
  const pr = apply?.target.environment === 'pr' ? { pr: apply.target.pr } : {};
  const owner = { project: deps.config.project, env: plan.env, ...pr, sha };
  try {
    for (const step of plan.steps) {
      if (step.kind === 'check-jobs') {
        for (const file of step.files) {
          const check = await checkJobFile(file.path, file.content, deps.schema);
          if (!check.ok) throw new Error(check.message);
        }
      }
      if (step.kind !== 'submit-job') continue;
      deps.step(`nomad plan ${step.file.path}`);
      const job = withOwnerMeta(await deps.nomad.parseJob(step.file.content), owner);
      assertOwned(await deps.nomad.readJob(job.ID ?? ''), owner);
      const { text, ...summary } = summarizePlan(await deps.nomad.planJob(job));
      out.jobs.push(summary);
      out.text.push(text);
    }
  } catch (err) {
    out.ok = false;
    out.error = (err as Error).message;
  }
  return out;
}

/** `prenv plan`: Terraform's changes, then Nomad's diff per job. */
export function renderPlan(report: PlanReport): string {
  const tf = report.terraform;
  const lines = [`Plan for ${report.env} at ${report.sha.slice(0, 12)}: nothing was changed.`, ''];
  lines.push(`Terraform (${tf.stateKey}):`);
  if (!tf.ok) lines.push(`  failed: ${tf.error ?? 'unknown error'}`);
  else {
    const mark = (a: string) => (a === 'create' ? '+' : a === 'delete' ? '-' : '~');
    for (const r of tf.resources) lines.push(`  ${mark(r.action)} ${r.address}: ${r.action}`);
    const c = tf.changes ?? { add: 0, change: 0, destroy: 0 };
    lines.push(
      tf.hasChanges
        ? `  ${c.add} to add, ${c.change} to change, ${c.destroy} to destroy`
        : '  no changes',
    );
  }
  lines.push('', 'Nomad:');
  for (const text of report.nomad.text) lines.push(...text.split('\n').map((l) => `  ${l}`));
  if (report.nomad.error) lines.push(`  failed: ${report.nomad.error}`);
  else if (report.nomad.jobs.length === 0) lines.push('  no jobs');
  return lines.join('\n') + '\n';
}
