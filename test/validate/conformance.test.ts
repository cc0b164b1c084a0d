import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHcl } from '../../generators/validate/hcl.js';
import { validateJobspec } from '../../generators/validate/jobspec.js';
import { preEvaluateVariables } from './support/hcl-variables.js';
import { conformanceDir } from './support/shared-nomad.js';
import { schema } from './support/validate-text.js';

// What the corpus README says Nomad itself does not accept as jobs, and why.
const rejected: Record<string, RegExp> = {
  'command__asset__pool.nomad.hcl': /\(file\): missing "job" block/,
  'command__testdata__example-short-bad.json':
    /job "bad example": label "bad example" does not match/,
  'jobspec2__test-fixtures__restart-render-templates.hcl': /task "foo": missing required "driver"/,
  'jobspec2__test-fixtures__template-err-missing-key.hcl':
    /template: missing required "destination"/,
  'jobspec2__test-fixtures__template-wait-config.hcl': /task "task": missing required "driver"/,
};

// Values the e2e tests pass with -var for variables that have no default.
const variableValues: Record<string, Record<string, unknown>> = {
  'e2e__cni__input__config_format.nomad.hcl': { format: 'json' },
  'e2e__task_schedule__input__schedule.nomad.hcl': { start: '0 12 * * *', end: '0 13' },
  'e2e__workload_id__input__node-meta.nomad.hcl': {
    foo_key: 'foo',
    empty_key: 'empty',
    unset_key: 'unset',
    foo_constraint: '${meta.foo}',
    empty_constraint: '${meta.empty}',
    unset_constraint: '${meta.unset}',
  },
};

const files = readdirSync(conformanceDir)
  .filter((f) => f !== 'README.md')
  .sort();

async function loadJob(file: string): Promise<unknown> {
  const text = readFileSync(path.join(conformanceDir, file), 'utf8');
  if (file.endsWith('.json')) return JSON.parse(text);
  const parsed = await parseHcl(file, text);
  if (!parsed.ok) throw new Error(parsed.message);
  const usesVariables = 'variable' in parsed.json || 'locals' in parsed.json;
  return usesVariables ? preEvaluateVariables(parsed.json, variableValues[file]) : parsed.json;
}

describe("Nomad's own job files (shared/nomad/conformance)", () => {
  it('holds the 52 files the README describes', () => {
    expect(files).toHaveLength(52);
    for (const name of [...Object.keys(rejected), ...Object.keys(variableValues)]) {
      expect(files).toContain(name);
    }
  });

  it.each(files.filter((f) => !(f in rejected)))('accepts %s', async (file) => {
    const { errors } = validateJobspec(await loadJob(file), schema);
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it.each(Object.entries(rejected))('rejects %s', async (file, reason) => {
    const { errors } = validateJobspec(await loadJob(file), schema);
    expect(errors.map((e) => e.message).join('\n')).toMatch(reason);
  });

  it('needs the variables pre-evaluated: the raw files are rejected', async () => {
    for (const file of Object.keys(variableValues)) {
      const parsed = await parseHcl(file, readFileSync(path.join(conformanceDir, file), 'utf8'));
      if (!parsed.ok) throw new Error(parsed.message);
      const messages = validateJobspec(parsed.json, schema).errors.map((e) => e.message);
      expect(messages.join('\n')).toMatch(/"variable" is not supported here/);
    }
  });
});
