import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KNOWN_ACTIONS } from '../../bot/core/payload-fields.js';
import { startGitHubHttpFake, type GitHubHttpFake } from '../fakes/github/github-http.js';
import { rawRequest } from '../support/raw-http.js';
import { repoRoot } from '../support/tools.js';
import { inRepository, realPayload, signedDelivery } from '../support/webhook-examples.js';
import { startServe, WEBHOOK_SECRET, type ServeProcess } from './serve-process.js';

/**
 * `prenv serve` as a real process takes generated requests (raw bytes: any method, target and
 * headers; and signed deliveries with generated field values) and must answer each without a
 * 500, stay alive, and answer /healthz afterwards.
 */
const RAW_RUNS = 150;
const SIGNED_RUNS = 50;
const BATCH = 50;
/** Client errors, and the server errors that say "not this", never "I broke" (500). */
const acceptable = (status: number) => status < 500 || [501, 503, 505].includes(status);

let serve: ServeProcess;
let github: GitHubHttpFake;
let sent = 0;

beforeAll(async () => {
  github = await startGitHubHttpFake();
  const dir = mkdtempSync(path.join(tmpdir(), 'prenv-fuzz-'));
  const configFile = path.join(dir, 'prenv.yml');
  writeFileSync(configFile, readFileSync(path.join(repoRoot, 'examples/aipacto/prenv.yml')));
  serve = await startServe(configFile, {
    PRENV_GITHUB_TOKEN: 'ghp_fuzz',
    PRENV_GITHUB_API_URL: github.url,
    PRENV_STATE: path.join(dir, 'state.db'),
    PRENV_RECONCILE: 'off',
    PRENV_TICK_MS: '600000',
    PRENV_SETTLE_MS: '0',
    // Nothing to provision with: a delivery that gets through fails its run at once.
    PRENV_TERRAFORM_BIN: '/bin/false',
    PRENV_TERRAFORM_DIR: dir,
    PRENV_NOMAD_ADDR: 'http://127.0.0.1:9',
    PRENV_CONSUL_ADDR: 'http://127.0.0.1:9',
    PRENV_CADDY_ADMIN: 'http://127.0.0.1:9',
  });
}, 60_000);

afterAll(async () => {
  serve?.child.kill('SIGTERM');
  await serve?.child;
  await github?.close();
});

const token = fc.stringMatching(/^[A-Za-z-]{1,12}$/);
const method = fc.oneof(
  fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'),
  token,
  fc.string({ maxLength: 8 }),
);
const target = fc.oneof(
  fc.constantFrom('/', '//', '///', '/healthz', '/tls/ask', '/webhooks/github', '*', '', '/%'),
  fc.webPath(),
  fc.webUrl(),
  fc
    .tuple(fc.constantFrom('/tls/ask?domain=', '/healthz?', '//?'), fc.string())
    .map(([a, b]) => a + b),
  fc.string({ unit: 'binary', maxLength: 60 }),
);
const header = fc.tuple(
  fc.oneof(
    token,
    fc.constantFrom(
      'Content-Length',
      'Transfer-Encoding',
      'X-Hub-Signature-256',
      'X-GitHub-Event',
      'X-GitHub-Delivery',
      'Host',
      'Expect',
    ),
    fc.string({ maxLength: 12 }),
  ),
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.nat().map(String),
    fc.constantFrom('chunked', '100-continue', 'sha256=00', 'pull_request'),
  ),
);
const rawRequestBytes = fc
  .record({
    method,
    target,
    version: fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1', ''),
    headers: fc.array(header, { maxLength: 6 }),
    host: fc.boolean(),
    body: fc.string({ maxLength: 200 }),
  })
  .map(({ method: m, target: t, version, headers, host, body }) => {
    const lines = [`${m} ${t} ${version}`, ...(host ? ['Host: bot'] : [])];
    for (const [name, value] of headers) lines.push(`${name}: ${value}`);
    return `${lines.join('\r\n')}\r\n\r\n${body}`;
  });

const hex40 = fc.stringMatching(/^[0-9a-f]{40}$/);
const anyValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 20 }),
  fc.constant(null),
  fc.boolean(),
);
const signedPayload = fc
  .record({
    action: fc.oneof(fc.constantFrom(...KNOWN_ACTIONS.pull_request!), fc.string({ maxLength: 12 })),
    number: fc.oneof(fc.integer({ min: 1, max: 400 }), anyValue),
    sha: fc.oneof(hex40, anyValue),
    state: fc.oneof(fc.constantFrom('open', 'closed'), anyValue),
    updatedAt: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      anyValue,
    ),
    repository: fc.constantFrom('aipacto/aipacto', 'AIPACTO/aipacto', 'someorg/other-repo'),
    draft: fc.oneof(fc.boolean(), anyValue),
  })
  .map((v) => {
    const payload = inRepository(realPayload('pull_request', 'opened'), v.repository);
    const pull = payload.pull_request as Record<string, Record<string, unknown>>;
    Object.assign(payload, { action: v.action });
    Object.assign(pull, {
      number: v.number,
      state: v.state,
      updated_at: v.updatedAt,
      draft: v.draft,
    });
    pull.head!.sha = v.sha;
    return payload;
  });

async function send(bytes: string): Promise<number | null> {
  sent++;
  return (await rawRequest(serve.port, bytes, 15_000, true)).status;
}

function alive(): void {
  expect(serve.child.exitCode, serve.logs()).toBeNull();
}

describe('prenv serve survives generated requests at its HTTP edge', () => {
  it('answers every one without a 500, stays up, and answers /healthz after', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rawRequestBytes, { minLength: BATCH, maxLength: BATCH }),
        async (batch) => {
          const statuses = await Promise.all(batch.map(send));
          for (const status of statuses)
            if (status !== null) expect(acceptable(status), `status ${status}`).toBe(true);
          alive();
        },
      ),
      { numRuns: RAW_RUNS },
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(signedPayload, { minLength: BATCH, maxLength: BATCH }),
        async (batch) => {
          const statuses = await Promise.all(
            batch.map(async (payload) => {
              const delivery = await signedDelivery(
                'pull_request',
                payload,
                WEBHOOK_SECRET,
                `fuzz-${++n}`,
              );
              const head = Object.entries(delivery.headers).map(([k, v]) => `${k}: ${v}`);
              const bytes = [
                'POST /webhooks/github HTTP/1.1',
                'Host: bot',
                `Content-Length: ${Buffer.byteLength(delivery.body)}`,
                ...head,
              ].join('\r\n');
              return send(`${bytes}\r\n\r\n${delivery.body}`);
            }),
          );
          for (const status of statuses) expect([200, 202, 400]).toContain(status);
          alive();
        },
      ),
      { numRuns: SIGNED_RUNS },
    );
    expect(sent).toBeGreaterThanOrEqual(10_000);
    const health = await fetch(`http://127.0.0.1:${serve.port}/healthz`);
    expect(health.status).toBe(200);
    expect((await rawRequest(serve.port, 'GET // HTTP/1.1\r\nHost: bot\r\n\r\n')).status).toBe(404);
    alive();
    expect(serve.logs()).not.toContain('ghp_fuzz');
  }, 240_000);
});
