import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createNomadClient,
  exponentialBackoff,
  goDurationToNs,
  msToNs,
  NomadError,
  noRetry,
  nsToMs,
} from '../../bot/adapters/nomad/index.js';
import type { Logger } from '../../bot/core/logger.js';
import type { FakeNomad } from '../fakes/nomad-api/server.js';
import { startFakeNomad } from '../fakes/nomad-api/server.js';
import { previewJobHcl } from './fixtures.js';

const TOKEN = 'a3c1f0e2-5b7d-4e8f-9a6b-0c1d2e3f4a5b';

let nomad: FakeNomad | undefined;
afterEach(async () => {
  await nomad?.close();
  nomad = undefined;
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function recordingLogger(lines: string[]): Logger {
  const log = (msg: string, fields?: object) =>
    lines.push(`${msg} ${JSON.stringify(fields ?? {})}`);
  const logger: Logger = { debug: log, info: log, warn: log, error: log, child: () => logger };
  return logger;
}

async function failure(p: Promise<unknown>): Promise<NomadError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NomadError);
  return err as NomadError;
}

describe('transport', () => {
  it('gives up on an unreachable server after the retries, with a typed error', async () => {
    const port = await closedPort();
    const delays: number[] = [];
    const lines: string[] = [];
    const api = createNomadClient({
      baseUrl: `http://127.0.0.1:${port}`,
      fetch,
      token: TOKEN,
      retry: exponentialBackoff(3, 100, 1_000),
      sleep: async (ms) => {
        delays.push(ms);
      },
      logger: recordingLogger(lines),
    });
    const err = await failure(api.readJob('pr-7-web'));
    expect(err.kind).toBe('unreachable');
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect(err.message).toContain('GET /v1/job/pr-7-web');
    expect(delays).toEqual([100, 200]);
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  it('retries a 5xx and succeeds when the server recovers', async () => {
    let calls = 0;
    const api = createNomadClient({
      baseUrl: 'http://nomad.test:4646',
      retry: { attempts: 3, delayMs: () => 0 },
      sleep: async () => {},
      fetch: async () => {
        calls += 1;
        return calls < 3
          ? new Response('No cluster leader', { status: 500 })
          : Response.json({ ID: 'x', JobModifyIndex: 5 });
      },
    });
    expect(await api.readJob('x')).toMatchObject({ JobModifyIndex: 5 });
    expect(calls).toBe(3);
  });

  it('does not retry a validation error Nomad answers with 500', async () => {
    let calls = 0;
    const api = createNomadClient({
      baseUrl: 'http://nomad.test:4646',
      retry: { attempts: 3, delayMs: () => 0 },
      sleep: async () => {},
      fetch: async () => {
        calls += 1;
        return new Response('1 error occurred:\n\t* Task group web validation failed', {
          status: 500,
        });
      },
    });
    expect((await failure(api.registerJob({ ID: 'x' }))).kind).toBe('bad_request');
    expect(calls).toBe(1);
  });

  it('sends the token as X-Nomad-Token, with namespace and region', async () => {
    nomad = await startFakeNomad({ token: TOKEN });
    const api = createNomadClient({
      baseUrl: nomad.url,
      fetch,
      token: TOKEN,
      namespace: 'apps',
      region: 'eu',
      retry: noRetry,
    });
    await api.parseJob(previewJobHcl({ pr: 7 }));
    expect(nomad.requests[0]?.headers['x-nomad-token']).toBe(TOKEN);
    expect(nomad.requests[0]?.query).toMatchObject({ namespace: 'apps', region: 'eu' });
  });

  it('never puts the token in an error, even when Nomad echoes it', async () => {
    nomad = await startFakeNomad({ token: 'another-token-value' });
    const api = createNomadClient({ baseUrl: nomad.url, fetch, token: TOKEN, retry: noRetry });
    const denied = await failure(api.readJob('pr-7-web'));
    expect(denied.kind).toBe('forbidden');
    expect(denied.message).toContain('terraform/acl/nomad/deployer.hcl');
    expect(nomad.requests[0]?.headers['x-nomad-token']).toBe(TOKEN);

    const echoing = createNomadClient({
      baseUrl: 'http://nomad.test:4646',
      token: TOKEN,
      retry: noRetry,
      fetch: async () => new Response(`bad token ${TOKEN}`, { status: 400 }),
    });
    const err = await failure(echoing.readJob('x'));
    for (const text of [err.message, err.nomadText ?? '', JSON.stringify(err), String(err.stack)]) {
      expect(text).not.toContain(TOKEN);
    }
    expect(err.message).toContain('[REDACTED]');
  });
});

describe('durations', () => {
  it('converts between milliseconds, Go duration text and nanoseconds', () => {
    expect(msToNs(1500)).toBe(1_500_000_000);
    expect(nsToMs(10e9)).toBe(10_000);
    expect(goDurationToNs('1m30s')).toBe(90e9);
    expect(goDurationToNs('250ms')).toBe(250e6);
    expect(goDurationToNs('1.5h')).toBe(5400e9);
    expect(goDurationToNs('42')).toBe(42);
    expect(goDurationToNs('ten seconds')).toBeUndefined();
  });
});
