/**
 * `npm run demo`: the bot on embedded defaults against a simulated cloud. Caddy and Consul are
 * the real binaries; Terraform is a local fake, Nomad an API double, and each "server" a local
 * process. It replays one pull request's life cycle and prints what the bot wrote on the PR.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfigOrThrow } from '../bot/config/load.js';
import { silentLogger } from '../bot/core/logger.js';
import { startBotApp } from '../bot/server/bot-app.js';
import { readServeSettings } from '../bot/wiring/settings.js';
import { MemoryGitHub } from '../test/fakes/github/memory-github.js';
import { startLocalStack } from '../test/support/local-stack.js';
import { repoRoot } from '../test/support/tools.js';
import {
  inRepository,
  prCommentPayload,
  realPayload,
  signedDelivery,
} from '../test/support/webhook-examples.js';

const SECRET = 'demo-webhook-secret';
const PR = 7;
const HOST = `pr-${PR}.pr.aipacto.com`;
const REPOSITORY = 'aipacto/aipacto';
const FIRST = '3f2c9a1e5b7d4c0a9e8f6b2d1c3a5e7f9b0d2c4e';
const SECOND = '8d41e07c2b9a6f3e1d5c7b9a0e2f4d6c8b1a3e5f';
const out = (line = '') => process.stdout.write(`${line}\n`);

/** A pull_request delivery of the demo's repository; `updatedAt` orders it among the others. */
function pullPayload(
  action: string,
  sha: string,
  updatedAt: string,
  extra: Record<string, unknown> = {},
) {
  const payload = realPayload(
    'pull_request',
    action,
    (p) => !(p.pull_request as { draft: boolean }).draft,
  );
  const pull = payload.pull_request as Record<string, unknown>;
  Object.assign(pull, {
    number: PR,
    title: 'Add the login page',
    updated_at: updatedAt,
    ...extra,
  });
  (pull.head as Record<string, unknown>).sha = sha;
  (pull.head as Record<string, unknown>).ref = 'feature/login';
  payload.number = PR;
  return inRepository(payload, REPOSITORY);
}

async function main(): Promise<void> {
  const configFile = path.join(repoRoot, 'examples/aipacto/prenv.yml');
  const stack = await startLocalStack(
    loadConfigOrThrow(readFileSync(configFile, 'utf8'), configFile),
    {
      terraformDelayMs: 300,
    },
  );
  const dir = await mkdtemp(path.join(tmpdir(), 'prenv-demo-'));
  const github = new MemoryGitHub();
  github.permissions.set('maintainer', 'write');
  // GitHub's view of the PR, as the reconciler and the /redeploy command read it.
  github.pulls.set(PR, {
    number: PR,
    headSha: FIRST,
    headRef: 'feature/login',
    baseRef: 'main',
    title: 'Add the login page',
    draft: false,
    fork: false,
    author: 'dev',
    state: 'open',
    merged: false,
  });
  const settings = readServeSettings({
    PRENV_WEBHOOK_SECRET: SECRET,
    PRENV_GITHUB_TOKEN: 'demo-token',
    PRENV_STATE: path.join(dir, 'state.db'),
    PRENV_SETTLE_MS: '300',
    PRENV_TICK_MS: '1000',
    // The reconciler compares routes with the demo's own Caddy.
    PRENV_CADDY_ADMIN: stack.caddy.adminUrl,
  });
  if (!settings.ok) throw new Error(settings.errors.join('\n'));
  const app = await startBotApp({
    config: stack.config,
    settings: settings.settings,
    logger: silentLogger,
    port: 0,
    host: '127.0.0.1',
    cwd: dir,
    overrides: { github, ops: stack.ops },
  });
  let delivery = 0;
  let shown = 0;
  const send = async (name: string, payload: unknown) => {
    const d = await signedDelivery(name, payload, SECRET, `demo-${++delivery}`);
    const res = await fetch(`http://127.0.0.1:${app.port}/webhooks/github`, {
      method: 'POST',
      headers: d.headers,
      body: d.body,
    });
    out(`  webhook ${name} → ${res.status} ${JSON.stringify(await res.json())}`);
    await app.engine.idle();
  };
  /** Each step: the sticky comment's headline as it changed, then its final text and any replies. */
  const showComments = () => {
    const versions = github.comments.flatMap((c) => c.history.map((body) => ({ id: c.id, body })));
    const fresh = versions.slice(shown);
    shown = versions.length;
    const headline = (body: string) => /^### (.*)$/m.exec(body)?.[1] ?? body.split('\n')[0];
    const sticky = fresh.filter((v) => v.body.startsWith('<!-- prenv:sticky'));
    if (sticky.length > 0)
      out(`  sticky comment: ${sticky.map((v) => headline(v.body)).join('  →  ')}`);
    const last = sticky.at(-1);
    const replies = fresh.filter((v) => !v.body.startsWith('<!-- prenv:sticky'));
    for (const { body } of [...replies, ...(last ? [last] : [])]) {
      out('  ┌─ PR comment');
      for (const line of body.split('\n').filter((l) => !l.startsWith('<!--'))) out(`  │ ${line}`);
      out('  └─');
    }
  };
  const probe = async () => {
    const res = await stack.get(HOST, '/');
    out(
      `  GET http://${HOST}/ through Caddy → ${res.status}${res.body ? ` "${res.body.trim()}"` : ''}`,
    );
  };

  try {
    out('prenv demo — the cloud is SIMULATED: Terraform is a local fake, Nomad an API double and');
    out('each server a local process. Caddy 2.6.2 and Consul 1.8.7 are real, on 127.0.0.1.');
    out();
    const steps: [string, () => Promise<void>][] = [
      [
        `PR #${PR} opened (head 3f2c9a1)`,
        () => send('pull_request', pullPayload('opened', FIRST, '2025-01-15T12:00:00Z')),
      ],
      [
        `new commit pushed (head 8d41e07)`,
        () => {
          github.pulls.set(PR, { ...github.pulls.get(PR)!, headSha: SECOND });
          return send('pull_request', pullPayload('synchronize', SECOND, '2025-01-15T12:05:00Z'));
        },
      ],
      [
        'a maintainer comments /redeploy',
        async () => {
          await send(
            'issue_comment',
            inRepository(prCommentPayload('/redeploy', 'maintainer', PR), REPOSITORY),
          );
        },
      ],
      [
        `PR #${PR} merged and closed`,
        () => {
          github.pulls.set(PR, { ...github.pulls.get(PR)!, state: 'closed', merged: true });
          return send(
            'pull_request',
            pullPayload('closed', SECOND, '2025-01-15T12:10:00Z', {
              merged: true,
              state: 'closed',
            }),
          );
        },
      ],
    ];
    for (const [title, step] of steps) {
      out(`▶ ${title}`);
      await step();
      showComments();
      await probe();
      out();
    }
    const reactions = github.reactions.map((r) => r.content).join(', ') || 'none';
    const deployments = github.deployments.map(
      (d) => `${d.environment}@${d.ref.slice(0, 7)}: ${d.statuses.join(' → ')}`,
    );
    out(`Reactions on commands: ${reactions}`);
    out(`GitHub deployments:\n${deployments.map((d) => `  ${d}`).join('\n')}`);
    out(`Servers left in the simulated cloud: ${(await stack.cloud.servers()).length}`);
  } finally {
    await app.stop();
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
