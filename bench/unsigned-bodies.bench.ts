/**
 * `node --import tsx bench/unsigned-bodies.bench.ts`: the bot's memory while many large unsigned
 * webhook bodies arrive at once (12 concurrent bodies of 24 MB, with a wrong signature).
 *
 * Baseline, measured in the same run: the same server with an unlimited body budget (what the
 * bot did before: every body buffered before its signature was checked). Measured: the default
 * budget (twice GitHub's 25 MB cap). Each case runs in its own child process so that one case's
 * garbage does not count against the other; reported is the peak RSS above the idle RSS.
 */
import { fork } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../bot/core/logger.js';
import { BodyBudget } from '../bot/server/body-budget.js';
import { close, createBotHttpServer, listen, MAX_WEBHOOK_BODY } from '../bot/server/http-server.js';

const BODIES = 12;
const BODY_BYTES = 24 * 1000 * 1000;
const MiB = 1024 * 1024;

async function runCase(
  budgetBytes: number,
): Promise<{ peakMiB: number; statuses: Record<number, number> }> {
  const server = createBotHttpServer({
    // A wrong signature: the body is read, then refused, as the real handler would.
    handleWebhook: async () => ({ status: 401, body: { status: 'rejected' } }),
    allowCertificate: async () => false,
    health: async () => ({ ok: true, checks: {} }),
    logger: silentLogger,
    unverifiedBudget: new BodyBudget(budgetBytes),
  });
  const port = await listen(server, 0);
  global.gc?.();
  const idle = process.memoryUsage().rss;
  let peak = idle;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const chunk = Buffer.alloc(64 * 1024, 120);
  const statuses: Record<number, number> = {};
  await Promise.all(
    Array.from(
      { length: BODIES },
      () =>
        new Promise<void>((resolve) => {
          const req = request({
            port,
            method: 'POST',
            path: '/webhooks/github',
            headers: {
              'content-length': String(BODY_BYTES),
              'x-github-event': 'pull_request',
              'x-github-delivery': 'bench',
              'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
            },
          });
          req.on('response', (res) => {
            statuses[res.statusCode!] = (statuses[res.statusCode!] ?? 0) + 1;
            res.resume();
            req.destroy();
            resolve();
          });
          req.on('error', () => resolve());
          let sent = 0;
          const pump = () => {
            while (sent < BODY_BYTES && !req.destroyed) {
              const piece = chunk.subarray(0, Math.min(chunk.length, BODY_BYTES - sent));
              sent += piece.length;
              if (!req.write(piece)) return void req.once('drain', pump);
            }
            if (!req.destroyed) req.end();
          };
          pump();
        }),
    ),
  );
  clearInterval(sampler);
  await close(server);
  return { peakMiB: Math.round((peak - idle) / MiB), statuses };
}

if (process.argv[2] === 'case') {
  const result = await runCase(Number(process.argv[3]));
  process.send!(result);
} else {
  const self = fileURLToPath(import.meta.url);
  const measure = (budget: number) =>
    new Promise<{ peakMiB: number; statuses: Record<number, number> }>((resolve, reject) => {
      const child = fork(self, ['case', String(budget)], {
        execArgv: ['--import', 'tsx', '--expose-gc'],
      });
      child.once('message', (m) => resolve(m as never));
      child.once('error', reject);
    });
  const baseline = await measure(Number.MAX_SAFE_INTEGER);
  const bounded = await measure(2 * MAX_WEBHOOK_BODY);
  process.stdout.write(
    `${BODIES} concurrent unsigned bodies of ${BODY_BYTES / 1e6} MB\n` +
      `  unlimited (before): +${baseline.peakMiB} MiB RSS, answers ${JSON.stringify(baseline.statuses)}\n` +
      `  budget ${(2 * MAX_WEBHOOK_BODY) / MiB} MiB (now): +${bounded.peakMiB} MiB RSS, answers ${JSON.stringify(bounded.statuses)}\n`,
  );
}
