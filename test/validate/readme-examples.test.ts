import { describe, expect, it } from 'vitest';
import { readmeExamples } from './support/shared-nomad.js';
import { errorMessages, validateHcl } from './support/validate-text.js';

const { valid, invalid } = readmeExamples();

describe('examples in shared/nomad/README.md', () => {
  it('has three valid and three invalid examples', () => {
    expect(valid).toHaveLength(3);
    expect(invalid).toHaveLength(3);
  });

  it.each(valid.map((text, i) => [i + 1, text] as const))(
    'accepts valid example %i',
    async (_, text) => {
      const { errors, warnings } = await validateHcl(text);
      expect(errors.map((e) => e.message)).toEqual([]);
      expect(warnings).toEqual([]);
    },
  );

  it('rejects a task without a driver', async () => {
    expect(await errorMessages(invalid[0] ?? '')).toEqual([
      'job "a" > group "g" > task "t": missing required "driver" — Nomad would reject this job ' +
        '(nomad/structs/structs.go Task.Validate ("Missing task driver"))',
    ]);
  });

  it('rejects an http check without interval and timeout', async () => {
    const messages = await errorMessages(invalid[1] ?? '');
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(
      /^job "b" > group "g" > service > check: missing required "interval" — Nomad would reject this job/,
    );
    expect(messages[1]).toMatch(
      /^job "b" > group "g" > service > check: missing required "timeout"/,
    );
  });

  it('rejects image written at task level', async () => {
    expect(await errorMessages(invalid[2] ?? '')).toEqual([
      'job "c" > group "g" > task "t": unsupported argument "image" — Nomad would not parse this',
      'job "c" > group "g" > task "t" > driver "docker" config: missing required "image" — ' +
        'the task would fail to start (driver hclspec NewAttr(..., required=true); ' +
        'enforced when the client decodes the task config (task fails to start))',
    ]);
  });
});
