/**
 * Strict validation of a Nomad job against nomad/schema/jobspec-schema.json, without a Nomad
 * binary. Input: a job file as @cdktf/hcl2json gives it, or API JSON (`{"Job": {...}}`).
 * Pure: the schema is passed in (bot/adapters/nomad/jobspec-schema-file.ts reads it).
 */
import { apiJobToHclShape, isApiJobJson } from './jobspec-api-json.js';
import { issue } from './jobspec-messages.js';
import type { JobspecIssue } from './jobspec-messages.js';
import { ruleIssues } from './jobspec-rules.js';
import type { JobspecSchema } from './jobspec-schema.js';
import { isPlainObject } from './jobspec-values.js';
import { walkJobFile } from './jobspec-walk.js';

export type { JobspecIssue, JobspecStage } from './jobspec-messages.js';
export { asJobspecSchema } from './jobspec-schema.js';
export type { JobspecSchema } from './jobspec-schema.js';

export interface JobspecResult {
  /** Problems Nomad would refuse (or, in driver config, fail on when the task starts). */
  errors: JobspecIssue[];
  /** Accepted by Nomad CE with a catch: Enterprise-only, ignored or deprecated settings. */
  warnings: JobspecIssue[];
}

export function validateJobspec(json: unknown, schema: JobspecSchema): JobspecResult {
  const all: JobspecIssue[] = [];
  let file: Record<string, unknown>;
  if (isApiJobJson(json)) {
    const converted = apiJobToHclShape(json, schema);
    all.push(...converted.issues);
    file = converted.file;
  } else if (isPlainObject(json)) {
    file = json;
  } else {
    all.push(issue('parse', '(file)', 'expected a job file (an object with one "job" block)'));
    file = {};
  }
  const walked = walkJobFile(file, schema);
  all.push(...walked.issues);
  if (walked.job) all.push(...ruleIssues(schema.rules, walked.nodes, walked.job));
  return {
    errors: all.filter((i) => i.severity === 'error'),
    warnings: all.filter((i) => i.severity === 'warning'),
  };
}
