/** Reads nomad/schema/jobspec-schema.json, the data behind generators/validate/jobspec.ts. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { asJobspecSchema } from '../../../generators/validate/jobspec-schema.js';
import type { JobspecSchema } from '../../../generators/validate/jobspec-schema.js';
import { PACKAGE_ROOT } from '../system/package-root.js';

export const jobspecSchemaPath = path.join(PACKAGE_ROOT, 'nomad/schema/jobspec-schema.json');

let cached: JobspecSchema | undefined;

/** The parsed schema; read once per process. Throws if the file is missing or malformed. */
export function loadJobspecSchema(file: string = jobspecSchemaPath): JobspecSchema {
  if (file === jobspecSchemaPath && cached) return cached;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `Cannot read the Nomad jobspec schema at ${file}: ${(error as Error).message}. ` +
        'It ships with prenv in nomad/schema/; restore it from git (see nomad/schema/SOURCE.md).',
      { cause: error },
    );
  }
  const schema = asJobspecSchema(json);
  if (file === jobspecSchemaPath) cached = schema;
  return schema;
}
