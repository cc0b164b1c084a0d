import { afterEach, describe, expect, it } from 'vitest';
import { REDACTED } from '../../bot/core/redact.js';
import type { ProgressEvent } from '../../bot/adapters/terraform/index.js';
import { createHarness } from './harness.js';
import type { Harness } from './harness.js';

const TOKEN = 'hc-tok-"quoted"\\back-7f3a9c';
const AWS_SECRET = 'aws-secret-91b2c3d4e5';
const VAR_SECRET = 'db-password-5e6f7a';

describe('terraform driver: secrets never leave it', () => {
  let h: Harness;
  afterEach(() => h.cleanup());

  const everything = (parts: unknown[]) =>
    JSON.stringify(parts, (_k, v: unknown) =>
      v instanceof Error ? { ...v, message: v.message, stack: v.stack } : v,
    );

  it.each([
    ['HCLOUD_TOKEN', TOKEN],
    ['AWS_SECRET_ACCESS_KEY', AWS_SECRET],
  ])(
    '%s echoed by Terraform is redacted from events, logs, results and errors',
    async (name, secret) => {
      h = await createHarness({
        env: {
          HCLOUD_TOKEN: TOKEN,
          AWS_SECRET_ACCESS_KEY: AWS_SECRET,
          PRENV_FAKE_TF_ECHO_ENV: name,
          PRENV_FAKE_TF_ECHO_VAR: 'database_password',
        },
      });
      const pr20 = h.target('pr', 20);
      const events: ProgressEvent[] = [];
      const onProgress = (e: ProgressEvent) => events.push(e);
      const vars = { database_password: VAR_SECRET };

      await h.runner.init(pr20, { onProgress });
      const plan = await h.runner.plan(pr20, vars, { onProgress });
      const applied = await h.runner.apply(pr20, vars, { onProgress });
      const outputs = await h.runner.output(pr20, { onProgress });
      const failures = await Promise.all([
        h
          .runnerWith({ PRENV_FAKE_TF_FAIL: 'network', PRENV_FAKE_TF_FAIL_ON: 'init' })
          .init(pr20)
          .catch((e: unknown) => e),
        h
          .runnerWith({ PRENV_FAKE_TF_FAIL: 'rate_limited', PRENV_FAKE_TF_FAIL_ON: 'destroy' })
          .destroy(pr20, vars, { onProgress })
          .catch((e: unknown) => e),
      ]);
      const destroyed = await h.runner.destroy(pr20, vars, { onProgress });

      expect(outputs.echo).toBe(`${name}=${REDACTED}`);
      expect(applied.outputs.echo).toBe(`${name}=${REDACTED}`);
      expect(events.some((e) => e.message === `provider debug: ${name}=${REDACTED}`)).toBe(true);
      expect(
        events.some((e) => e.message === `provider debug: var.database_password=${REDACTED}`),
      ).toBe(true);
      expect(failures.every((f) => f instanceof Error)).toBe(true);
      const dump = everything([events, h.logs, plan, applied, outputs, destroyed, failures]);
      expect(dump).toContain(REDACTED);
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(JSON.stringify(secret).slice(1, -1));
      expect(dump).not.toContain(VAR_SECRET);
    },
  );

  it('redacts values the caller names as secret', async () => {
    h = await createHarness({
      env: { PROJECT_API: 'named-secret-4242', PRENV_FAKE_TF_ECHO_ENV: 'PROJECT_API' },
    });
    const pr21 = h.target('pr', 21);
    const events: ProgressEvent[] = [];
    await h.runner.init(pr21);
    const applied = await h.runner.apply(
      pr21,
      {},
      { secrets: ['named-secret-4242'], onProgress: (e) => events.push(e) },
    );
    expect(applied.outputs.echo).toBe(`PROJECT_API=${REDACTED}`);
    expect(everything([events, applied])).not.toContain('named-secret-4242');
  });
});
