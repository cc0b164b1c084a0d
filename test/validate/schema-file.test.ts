import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  jobspecSchemaPath,
  loadJobspecSchema,
} from '../../bot/adapters/nomad/jobspec-schema-file.js';
import { asJobspecSchema } from '../../generators/validate/jobspec-schema.js';
import { sharedNomadDir } from './support/shared-nomad.js';

describe('nomad/schema/jobspec-schema.json', () => {
  it('is an unchanged copy of the shared schema', () => {
    const ours = readFileSync(jobspecSchemaPath);
    const shared = readFileSync(path.join(sharedNomadDir, 'jobspec-schema.json'));
    expect(ours.equals(shared)).toBe(true);
  });

  it('loads with the hashicorp/nomad commit it was derived from', () => {
    const schema = loadJobspecSchema();
    expect(schema.source.commit).toBe('a443448d00ca4fa5af3166b2ff9b9031b39a9f57');
    expect(schema.root).toBe('job');
    expect(Object.keys(schema.drivers).sort()).toEqual(['docker', 'exec', 'raw_exec']);
  });

  it('says how to restore a missing file', () => {
    expect(() => loadJobspecSchema('/nonexistent/jobspec-schema.json')).toThrow(
      /restore it from git/,
    );
  });
});

describe('asJobspecSchema', () => {
  const base = JSON.parse(readFileSync(jobspecSchemaPath, 'utf8')) as Record<string, unknown>;

  it('refuses a rule kind the validator does not implement', () => {
    const rules = [{ id: 'new', kind: 'somethingNew', block: 'job', message: 'm', source: 's' }];
    expect(() => asJobspecSchema({ ...base, rules })).toThrow(
      'rule "new" has unknown kind "somethingNew"',
    );
  });

  it('refuses a custom check the validator does not implement', () => {
    const rules = [
      { id: 'c', kind: 'custom', check: 'mystery', block: 'job', message: 'm', source: 's' },
    ];
    expect(() => asJobspecSchema({ ...base, rules })).toThrow(
      'rule "c" has unknown check "mystery"',
    );
  });

  it('refuses another schema version', () => {
    expect(() => asJobspecSchema({ ...base, schemaVersion: 2 })).toThrow(/schemaVersion/);
  });
});
