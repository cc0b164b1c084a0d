import { describe, expect, it } from 'vitest';
import { T, ruleCases as cases } from './support/rule-cases.js';
import { errorMessages, job, schema, warningMessages } from './support/validate-text.js';

describe('cross-field rules', () => {
  it.each(cases.map((c) => [c.kind, c.name, c] as const))('%s: rejects %s', async (_, __, c) => {
    const messages = await errorMessages(c.text);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(c.expected);
    expect(await errorMessages(c.fixed)).toEqual([]);
  });

  it('ignored: warns that task resources.disk is dropped, citing the code', async () => {
    const text = job({ task: '      resources {\n        cpu = 100\n        disk = 500\n      }' });
    expect(await errorMessages(text)).toEqual([]);
    expect(await warningMessages(text)).toEqual([
      `${T} > resources: task resources.disk is accepted by the parser but dropped (command/agent/job_endpoint.go ApiResourcesToStructs copies no DiskMB); use group ephemeral_disk — Nomad accepts this but ignores it (command/agent/job_endpoint.go ApiResourcesToStructs; rule task-disk-ignored)`,
    ]);
  });

  it('warns about constraint shorthands the parser drops', async () => {
    const text = job({
      job: '  constraint {\n    attribute = "${meta.tags}"\n    set_contains_any = "a,b"\n  }',
    });
    expect(await warningMessages(text)).toEqual([
      expect.stringContaining(
        'job "web" > constraint: shorthand "set_contains_any" is dropped by the parser; write operator = "set_contains_any" instead',
      ),
    ]);
  });

  it('covers every rule kind and custom check in the schema', () => {
    const tested = new Set([...cases.map((c) => c.kind), 'ignored']);
    for (const rule of schema.rules) expect(tested).toContain(rule.kind);
    const checks = schema.rules.flatMap((r) => (r.kind === 'custom' ? [r.check] : []));
    expect(new Set(checks)).toEqual(
      new Set(['constraint', 'affinity', 'labelEnum', 'uniqueLabels']),
    );
  });
});
