/** A rendered Nomad job file, checked end to end: HCL syntax, then the jobspec schema. */
import { parseHcl } from './hcl.js';
import type { HclSyntaxError } from './hcl.js';
import { validateJobspec } from './jobspec.js';
import type { JobspecIssue, JobspecSchema } from './jobspec.js';

export type JobFileCheck =
  | { ok: true; json: Record<string, unknown>; warnings: JobspecIssue[] }
  | { ok: false; reason: 'syntax'; errors: HclSyntaxError[]; message: string }
  | {
      ok: false;
      reason: 'jobspec';
      errors: JobspecIssue[];
      warnings: JobspecIssue[];
      message: string;
    };

export async function checkJobFile(
  filename: string,
  text: string,
  schema: JobspecSchema,
): Promise<JobFileCheck> {
  const parsed = await parseHcl(filename, text);
  if (!parsed.ok)
    return { ok: false, reason: 'syntax', errors: parsed.errors, message: parsed.message };
  const { errors, warnings } = validateJobspec(parsed.json, schema);
  if (errors.length === 0) return { ok: true, json: parsed.json, warnings };
  const message = [
    `${filename} is not a valid Nomad job:`,
    ...errors.map((e) => `  ${e.message}`),
  ].join('\n');
  return { ok: false, reason: 'jobspec', errors, warnings, message };
}
