import type { NomadApi } from './client.js';
import { NomadError } from './errors.js';
import type { Owner } from './ownership.js';
import { assertOwned, withOwnerMeta } from './ownership.js';
import type { PlanSummary } from './plan-summary.js';
import { summarizePlan } from './plan-summary.js';
import type { JobPlanResponse, JobRegisterResponse, NomadJob } from './types.js';

export interface SubmitResult {
  plan: JobPlanResponse;
  summary: PlanSummary;
  registered: JobRegisterResponse;
}

/**
 * Read → ownership check → plan → register with EnforceIndex, as nomad-pack does. If anyone
 * changes the job between the read and the register, Nomad refuses and this throws `conflict`.
 */
export async function submitJob(api: NomadApi, job: NomadJob, owner: Owner): Promise<SubmitResult> {
  const owned = withOwnerMeta(job, owner);
  const id = owned.ID ?? '';
  const existing = await api.readJob(id);
  assertOwned(existing, owner);
  const plan = await api.planJob(owned);
  const readIndex = existing?.JobModifyIndex ?? 0;
  if (plan.JobModifyIndex !== readIndex) {
    throw new NomadError({
      kind: 'conflict',
      currentIndex: plan.JobModifyIndex,
      message: `Nomad job "${id}" changed while prenv was planning it (index ${readIndex} → ${plan.JobModifyIndex}). Run the deploy again.`,
    });
  }
  const registered = await api.registerJob(owned, { enforceIndex: plan.JobModifyIndex });
  return { plan, summary: summarizePlan(plan), registered };
}
