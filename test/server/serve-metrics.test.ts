import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../runtime/harness.js';
import { parseExposition, sampleValue, type Sample } from '../support/prometheus-text.js';
import { pullRequestPayload, startServeStack, type ServeStack } from '../support/serve-stack.js';
import { inRepository, signedDelivery } from '../support/webhook-examples.js';
import { WEBHOOK_SECRET, type ServeProcess } from './serve-process.js';

let stack: ServeStack;
let serve: ServeProcess;

beforeAll(async () => {
  // One slot, so a second PR waits in the queue.
  stack = await startServeStack({
    githubToken: 'ghp_metrics_test',
    edit: (text) => text.replace(/^( {2}max:) 15$/m, '$1 1'),
  });
  serve = await stack.serve(stack.env());
}, 90_000);

afterAll(async () => {
  serve?.child.kill('SIGTERM');
  await serve?.child;
  await stack?.stop();
});

const opened = (pr: number) => pullRequestPayload(stack.github, 'opened', pr);

async function scrape(): Promise<Sample[]> {
  const res = await fetch(`http://127.0.0.1:${serve.port}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

async function postRaw(headers: Record<string, string>, body: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${serve.port}/webhooks/github`, {
    method: 'POST',
    headers,
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

const deliveries = (s: Sample[], event: string, result: string) =>
  sampleValue(s, 'prenv_webhook_deliveries_total', { event, result });

describe('prenv serve: GET /metrics', { timeout: 90_000 }, () => {
  it('counts deliveries, runs, steps, GitHub calls, slots and the queue as they happen', async () => {
    const before = await scrape();
    expect(sampleValue(before, 'prenv_slots_max')).toBe(1);
    expect(sampleValue(before, 'prenv_slots_used')).toBe(0);
    expect(before.some((s) => s.name === 'process_resident_memory_bytes')).toBe(true);
    expect(before.filter((s) => s.name === 'prenv_webhook_deliveries_total')).toEqual([]);

    expect(await serve.post('pull_request', opened(41), 'open-41')).toBe(202);
    expect(await serve.post('pull_request', opened(41), 'open-41')).toBe(200);
    const foreign = inRepository(opened(43), 'someone/else');
    expect(await serve.post('pull_request', foreign, 'foreign-43')).toBe(202);
    const forged = await signedDelivery('pull_request', opened(44), 'not-the-secret', 'forged');
    expect(await postRaw(forged.headers, forged.body)).toBe(401);
    expect(await postRaw({ 'x-github-event': 'push', 'x-github-delivery': 'unsigned' }, '{}')).toBe(
      401,
    );
    const swapped = await signedDelivery('pull_request', 'x', WEBHOOK_SECRET, 'swapped');
    expect(await postRaw(swapped.headers, '{"another":"body"}')).toBe(401);
    expect(await postRaw({ 'x-github-event': 'push' }, '{}')).toBe(400);

    await until(
      async () => sampleValue(await scrape(), 'prenv_slots_used') === 1,
      'pr-41 holds the one slot',
      30_000,
    );
    expect(await serve.post('pull_request', opened(42), 'open-42')).toBe(202);
    await until(
      async () => {
        const s = await scrape();
        return (
          sampleValue(s, 'prenv_preview_queue_depth') === 1 &&
          sampleValue(s, 'prenv_run_duration_seconds_count', {
            kind: 'deploy',
            outcome: 'succeeded',
          }) === 1
        );
      },
      'pr-41 is deployed and pr-42 waits for its slot',
      60_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${serve.logs()}`);
    });

    const after = await scrape();
    expect(deliveries(after, 'pull_request', 'accepted')).toBe(2);
    expect(deliveries(after, 'pull_request', 'duplicate')).toBe(1);
    expect(deliveries(after, 'pull_request', 'ignored')).toBe(1);
    expect(deliveries(after, 'unverified', 'refused')).toBe(3);
    expect(deliveries(after, 'unverified', 'invalid')).toBe(1);
    expect(sampleValue(after, 'prenv_deliveries_pending')).toBe(0);
    const runs = (kind: string) =>
      sampleValue(after, 'prenv_run_duration_seconds_count', { kind, outcome: 'succeeded' });
    expect(runs('provision')).toBe(1);
    expect(runs('deploy')).toBe(1);
    expect(
      sampleValue(after, 'prenv_run_duration_seconds_sum', {
        kind: 'provision',
        outcome: 'succeeded',
      }),
    ).toBeGreaterThan(0);
    const steps = (tool: string, step: string) =>
      sampleValue(after, 'prenv_step_duration_seconds_count', { tool, step, result: 'ok' });
    expect(steps('terraform', 'init')).toBe(1);
    expect(steps('terraform', 'apply')).toBe(1);
    expect(steps('nomad', 'wait_node')).toBe(1);
    expect(steps('nomad', 'submit')).toBeGreaterThanOrEqual(1);
    expect(steps('caddy', 'add_route')).toBe(1);
    const githubCalls = after.filter((s) => s.name === 'prenv_github_requests_total');
    expect(githubCalls.length).toBeGreaterThan(0);
    expect(githubCalls.every((s) => /^(GET|POST|PATCH|PUT|DELETE) \//.test(s.labels.route!))).toBe(
      true,
    );
    expect(
      githubCalls.filter((s) => s.labels.status!.startsWith('2')).reduce((n, s) => n + s.value, 0),
    ).toBeGreaterThan(0);
    expect(serve.logs()).not.toContain('ghp_metrics_test');
  });
});
