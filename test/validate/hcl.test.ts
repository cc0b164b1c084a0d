import { describe, expect, it } from 'vitest';
import { checkJobFile } from '../../generators/validate/job-file.js';
import { parseHcl, parseHclDiagnostics } from '../../generators/validate/hcl.js';
import { job, schema } from './support/validate-text.js';

describe('parseHcl', () => {
  it('gives hcl2json JSON: blocks as lists, labels as keys, expressions as ${...}', async () => {
    const result = await parseHcl(
      'web.nomad.hcl',
      'job "web" {\n  group "g" {\n    count = 2\n    mode = var.mode\n  }\n}\n',
    );
    expect(result).toEqual({
      ok: true,
      json: { job: { web: [{ group: { g: [{ count: 2, mode: '${var.mode}' }] } }] } },
    });
  });

  it('reports a syntax error with file, line and column', async () => {
    const result = await parseHcl(
      'web.nomad.hcl',
      'job "web" {\n  group "g" {\n    count = \n  }\n}\n',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      {
        file: 'web.nomad.hcl',
        line: 3,
        column: 13,
        message:
          'Invalid expression; Expected the start of an expression, but found an invalid expression token.',
      },
    ]);
    expect(result.message).toBe(
      'web.nomad.hcl:3:13: Invalid expression; Expected the start of an expression, ' +
        'but found an invalid expression token.',
    );
  });

  it('reports every diagnostic of one parse', async () => {
    const result = await parseHcl('j.hcl', 'job "a" {\n  x = "\n}\n');
    if (result.ok) throw new Error('expected a syntax error');
    expect(result.errors.map((e) => [e.line, e.column, e.message.split(';')[0]])).toEqual([
      [2, 8, 'Invalid multi-line string'],
      [3, 2, 'Invalid multi-line string'],
      [2, 8, 'Unterminated template string'],
    ]);
  });

  it('reports a redefined argument at the second definition', async () => {
    const result = await parseHcl(
      'dup.hcl',
      'job "a" {\n  type = "batch"\n  type = "service"\n}\n',
    );
    if (result.ok) throw new Error('expected a syntax error');
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ line: 3, column: 3 });
    expect(result.errors[0]?.message).toMatch(
      /^Attribute redefined; The argument "type" was already set/,
    );
  });
});

describe('parseHclDiagnostics', () => {
  it('anchors on the file name even when it holds regexp characters and colons', () => {
    const text =
      'parse config: [a+b:c.hcl:4,1-2: Unsupported thing; Detail. See a+b:c.hcl:1,1-3. ' +
      'a+b:c.hcl:10,5-12,1: Other problem; More.]';
    expect(parseHclDiagnostics('a+b:c.hcl', text)).toEqual([
      {
        file: 'a+b:c.hcl',
        line: 4,
        column: 1,
        message: 'Unsupported thing; Detail. See a+b:c.hcl:1,1-3.',
      },
      { file: 'a+b:c.hcl', line: 10, column: 5, message: 'Other problem; More.' },
    ]);
  });
});

describe('checkJobFile', () => {
  it('accepts a valid job', async () => {
    const result = await checkJobFile('web.nomad.hcl', job(), schema);
    expect(result).toMatchObject({ ok: true, warnings: [] });
  });

  it('stops at a syntax error', async () => {
    const result = await checkJobFile('web.nomad.hcl', 'job "web" {\n', schema);
    expect(result).toMatchObject({ ok: false, reason: 'syntax' });
    if (result.ok) return;
    expect(result.message).toMatch(/^web\.nomad\.hcl:1:\d+: /);
  });

  it('lists jobspec errors under the file name', async () => {
    const result = await checkJobFile('web.nomad.hcl', job({ task: '      image = "x"' }), schema);
    expect(result).toMatchObject({ ok: false, reason: 'jobspec' });
    if (result.ok) return;
    expect(result.message).toBe(
      'web.nomad.hcl is not a valid Nomad job:\n' +
        '  job "web" > group "g" > task "t": unsupported argument "image" — Nomad would not parse this',
    );
  });
});
