import { describe, expect, it } from 'vitest';
import { createNomadClient, isNomadError } from '../../bot/adapters/nomad/index.js';
import { noRetry } from '../../bot/core/backoff.js';
import { useConsul } from '../support/consul-process.js';

const consul = useConsul();

describe('a PRENV_NOMAD_ADDR that points at another service', () => {
  it('names the address, the variable and what came back (a real Consul agent)', async () => {
    const nomad = createNomadClient({ baseUrl: consul().httpUrl, fetch, retry: noRetry });
    const err: unknown = await nomad.listJobs().catch((e: unknown) => e);
    expect(isNomadError(err)).toBe(true);
    const message = (err as Error).message;
    expect(message).toContain(new URL(consul().httpUrl).origin);
    expect(message).toMatch(/404 and an empty body, not Nomad's answer/);
    expect(message).toContain('PRENV_NOMAD_ADDR');
  });
});
