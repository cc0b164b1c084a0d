import { loadJobspecSchema } from '../../../bot/adapters/nomad/jobspec-schema-file.js';
import { parseHcl } from '../../../generators/validate/hcl.js';
import { validateJobspec } from '../../../generators/validate/jobspec.js';
import type { JobspecResult } from '../../../generators/validate/jobspec.js';

export const schema = loadJobspecSchema();

/** Parses HCL (failing the test on a syntax error) and validates it against the schema. */
export async function validateHcl(
  text: string,
  filename = 'job.nomad.hcl',
): Promise<JobspecResult> {
  const parsed = await parseHcl(filename, text);
  if (!parsed.ok) throw new Error(`test job does not parse: ${parsed.message}`);
  return validateJobspec(parsed.json, schema);
}

export async function errorMessages(text: string): Promise<string[]> {
  return (await validateHcl(text)).errors.map((e) => e.message);
}

export async function warningMessages(text: string): Promise<string[]> {
  return (await validateHcl(text)).warnings.map((e) => e.message);
}

/** A valid service job with one group and task; `group` and `task` add lines to their bodies. */
export function job(parts: { job?: string; group?: string; task?: string } = {}): string {
  return `job "web" {
${parts.job ?? ''}
  group "g" {
${parts.group ?? ''}
    task "t" {
      driver = "docker"
      config {
        image = "nginx:1.27"
      }
${parts.task ?? ''}
    }
  }
}
`;
}
