import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { GitHubHttpFake } from '../fakes/github/github-http.js';
import { WEBHOOK_SECRET, type ServeProcess } from '../server/serve-process.js';
import type { LocalStack } from '../support/local-stack.js';
import { startServeStack } from '../support/serve-stack.js';
import { repoRoot } from '../support/tools.js';
import { signedDelivery } from '../support/webhook-examples.js';
import type { Sent } from './chaos-events.js';

/**
 * The processes of a chaos run: `prenv serve` (killed and restarted at will), the local stack
 * with its fake terraform failing a seeded share of applies, the GitHub fake and one
 * `prenv reconcile`.
 */
export interface ChaosProcesses {
  stack: LocalStack;
  github: GitHubHttpFake;
  statePath: string;
  /** Sends a signed delivery; its HTTP status and the `status` field of its answer. */
  post(d: Sent): Promise<{ status: number; answer: { status?: string } }>;
  /** SIGKILL of the bot, then a new one on the same state. */
  killAndRestartBot(): Promise<void>;
  /** Ends the bot (SIGTERM unless told) and waits for its exit. */
  stopBot(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  startBot(): Promise<void>;
  /** One `prenv reconcile --json` on the bot's settings. */
  reconcile(): Promise<{ exitCode: number | undefined; stderr: string }>;
  /** Terraform applies the fake ran, and how many of them it failed on purpose. */
  applies(): { applies: number; failed: number };
  /** Ends every process (the bot with SIGKILL). */
  stop(): Promise<void>;
}

export interface ChaosProcessOptions {
  seed: number;
  terraformFailRate: number;
  /** `previews.max` of the run's config. */
  cap: number;
  /** The bot's tick (ms): retries and TTL checks. */
  tickMs: number;
}

export async function startChaosProcesses(options: ChaosProcessOptions): Promise<ChaosProcesses> {
  const serving = await startServeStack({
    githubToken: 'ghp_chaos',
    edit: (text) => text.replace(/max: \d+/, `max: ${options.cap}`),
  });
  const { stack, github, configFile } = serving;
  const env = serving.env({
    PRENV_FAKE_TF_DELAY_MS: '40',
    PRENV_FAKE_TF_FAIL_RATE: String(options.terraformFailRate),
    PRENV_FAKE_TF_FAIL_SEED: String(options.seed),
    PRENV_TICK_MS: String(options.tickMs),
    PRENV_QUEUE_EDIT_DEBOUNCE_MS: '0',
    // The GitHub fake has no secondary rate limits, as a GitHub Enterprise Server without rate
    // limits: writes need not wait GitHub's 1 s (3 s for comments) between them.
    PRENV_GITHUB_WRITE_SPACING_MS: '0',
    // A failed run is retried after 1 s, then 2 s, … instead of 30 s, 60 s, …: the same
    // retries, sooner.
    PRENV_RUN_RETRY_MS: '1000',
  });
  let serve: ServeProcess | null = null;
  const startBot = async () => {
    serve = await serving.serve(env);
  };
  const stopBot = async (signal: 'SIGTERM' | 'SIGKILL') => {
    const bot = serve;
    serve = null;
    if (!bot) return;
    bot.child.kill(signal);
    await bot.child.catch(() => undefined);
  };
  try {
    await startBot();
  } catch (err) {
    await serving.stop();
    throw err;
  }
  const count = (file: string, of: (text: string) => number) =>
    existsSync(file) ? of(readFileSync(file, 'utf8')) : 0;
  return {
    stack,
    github,
    statePath: env.PRENV_STATE!,
    post: async (d) => {
      if (!serve) throw new Error('no bot runs');
      const signed = await signedDelivery(d.name, d.body, WEBHOOK_SECRET, d.id);
      const res = await fetch(`http://127.0.0.1:${serve.port}/webhooks/github`, {
        method: 'POST',
        headers: signed.headers,
        body: signed.body,
      });
      const answer = (await res.json().catch(() => ({}))) as { status?: string };
      return { status: res.status, answer };
    },
    killAndRestartBot: async () => {
      await stopBot('SIGKILL');
      await startBot();
    },
    stopBot: (signal = 'SIGTERM') => stopBot(signal),
    startBot,
    reconcile: async () => {
      const result = await execa(
        'node',
        [path.join(repoRoot, 'bin/prenv.js'), 'reconcile', '--json', '--config', configFile],
        { env: { PATH: process.env.PATH, ...env }, extendEnv: false, reject: false },
      );
      return { exitCode: result.exitCode, stderr: result.stderr };
    },
    applies: () => ({
      failed: count(
        path.join(stack.stateDir, '.failed-applies'),
        (t) => t.trim().split('\n').length,
      ),
      applies: count(path.join(stack.stateDir, '.applies'), (t) => t.length),
    }),
    stop: async () => {
      await stopBot('SIGKILL');
      await serving.stop();
    },
  };
}
