import type { BlockSchema } from './hcl-to-job.js';
import { loadSchema } from './hcl-to-job.js';

/**
 * Nomad decodes request bodies with Go's encoding/json: keys match struct fields
 * case-insensitively and unknown keys are dropped without a word. This double does the same
 * (which is why prenv validates its own jobs strictly before sending them).
 */
export function getKey(obj: unknown, name: string): unknown {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const record = obj as Record<string, unknown>;
  if (name in record) return record[name];
  const lower = name.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}

const SERVER_JOB_FIELDS = [
  'Status',
  'StatusDescription',
  'Stop',
  'Stable',
  'Version',
  'SubmitTime',
  'CreateIndex',
  'ModifyIndex',
  'JobModifyIndex',
  'ParentID',
];

function fieldsOf(block: BlockSchema, extra: string[] = []): string[] {
  const names = [
    ...(block.labelGoFields ?? []),
    ...Object.values(block.attributes ?? {}).map((a) => a.goField),
    ...Object.values(block.blocks ?? {}).map((b) => b.goField),
    ...extra,
  ];
  return [...new Set(names.filter((n): n is string => !!n))];
}

function canonical(obj: unknown, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!obj || typeof obj !== 'object') return out;
  for (const [key, value] of Object.entries(obj)) {
    const field = fields.find((f) => f.toLowerCase() === key.toLowerCase());
    if (field) out[field] = value;
  }
  return out;
}

/** Job, group and task keys in Nomad's spelling; keys Nomad does not know are dropped. */
export function canonicalJob(raw: unknown): Record<string, unknown> {
  const blocks = loadSchema().blocks;
  const job = canonical(raw, fieldsOf(blocks.job!, SERVER_JOB_FIELDS));
  if (Array.isArray(job.TaskGroups)) {
    job.TaskGroups = job.TaskGroups.map((g: unknown) => {
      const group = canonical(g, fieldsOf(blocks.group!));
      if (Array.isArray(group.Tasks)) {
        group.Tasks = group.Tasks.map((t: unknown) => canonical(t, fieldsOf(blocks.task!)));
      }
      return group;
    });
  }
  return job;
}

/** The job as a spec: without the fields the server maintains. */
export function specOf(job: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(job).filter(([k]) => !SERVER_JOB_FIELDS.includes(k)));
}
