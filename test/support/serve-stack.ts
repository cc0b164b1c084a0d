import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfigOrThrow } from '../../bot/config/load.js';
import { FAKE_PRODUCTION_OUTPUTS } from '../../scripts/local-stack-env.js';
import { startGitHubHttpFake, type GitHubHttpFake } from '../fakes/github/github-http.js';
import { startServe, type ServeProcess } from '../server/serve-process.js';
import { FAKE_TERRAFORM, startLocalStack, type LocalStack } from './local-stack.js';
import { repoRoot } from './tools.js';
import { inRepository, realPayload } from './webhook-examples.js';

/** `prenv serve` processes against the local stack, GitHub played by its HTTP fake. */
export interface ServeStack {
  stack: LocalStack;
  github: GitHubHttpFake;
  /** A temporary folder for state files, Terraform folders and the config copy. */
  dir: string;
  /** The example's config as `edit` left it, `consul.dns` pointed at the local Consul. */
  configFile: string;
  /**
   * What `prenv serve` needs to run against this stack: the GitHub fake, the local Nomad,
   * Consul and Caddy, the fake terraform with its own folder, a state file named `state`,
   * no settle time, a 500 ms tick and no reconciler; `overrides` win (undefined removes one).
   */
  env(overrides?: Record<string, string | undefined>, state?: string): Record<string, string>;
  /**
   * `env` for a bot that serves its dashboard at `base` with sign-in through `oauth` (which also
   * passes the App's own API calls on to the GitHub fake); `overrides` win.
   */
  dashboardEnv(
    oauth: { url: string; clientId: string; clientSecret: string },
    base: string,
    overrides?: Record<string, string | undefined>,
  ): Record<string, string>;
  /** Starts `prenv serve` with `env` (on `port`, default any free one) and waits until it listens. */
  serve(env: Record<string, string>, port?: number): Promise<ServeProcess>;
  stop(): Promise<void>;
}

export interface ServeStackOptions {
  /** The GitHub token the bot is given (tests check it never reaches a log). */
  githubToken: string;
  /** Changes the example config's text before the stack and the bot read it. */
  edit?: (text: string) => string;
  /** YAML appended after the `consul:` section the stack needs. */
  append?: string;
}

/** Starts the local stack and the GitHub HTTP fake, and writes what `prenv serve` reads. */
export async function startServeStack(options: ServeStackOptions): Promise<ServeStack> {
  const example = path.join(repoRoot, 'examples/aipacto/prenv.yml');
  const text = (options.edit ?? ((t) => t))(readFileSync(example, 'utf8'));
  const [stack, github] = await Promise.all([
    startLocalStack(loadConfigOrThrow(text, example)),
    startGitHubHttpFake(),
  ]);
  const dir = mkdtempSync(path.join(tmpdir(), 'prenv-serve-stack-'));
  const configFile = path.join(dir, 'prenv.yml');
  writeFileSync(
    configFile,
    `${text}consul:\n  dns: "${stack.config.consul.dns}"\n${options.append ?? ''}`,
  );
  const outputs = path.join(dir, 'production-outputs.json');
  writeFileSync(outputs, JSON.stringify(FAKE_PRODUCTION_OUTPUTS));
  const env: ServeStack['env'] = (overrides = {}, state = 'state') => {
    const all: Record<string, string | undefined> = {
      PRENV_GITHUB_TOKEN: options.githubToken,
      PRENV_GITHUB_API_URL: github.url,
      PRENV_STATE: path.join(dir, `${state}.db`),
      PRENV_NOMAD_ADDR: stack.nomad.url,
      PRENV_CONSUL_ADDR: stack.consul.httpUrl,
      PRENV_CADDY_ADMIN: stack.caddy.adminUrl,
      PRENV_TERRAFORM_BIN: FAKE_TERRAFORM,
      PRENV_TERRAFORM_DIR: mkdtempSync(path.join(dir, 'tf-')),
      PRENV_TF_PRODUCTION_OUTPUTS: outputs,
      PRENV_FAKE_TF_STATE_DIR: stack.stateDir,
      PRENV_SETTLE_MS: '0',
      PRENV_TICK_MS: '500',
      PRENV_RECONCILE: 'off',
      ...overrides,
    };
    return Object.fromEntries(
      Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
  };
  return {
    stack,
    github,
    dir,
    configFile,
    env,
    dashboardEnv: (oauth, base, overrides = {}) =>
      env({
        PRENV_GITHUB_API_URL: oauth.url,
        PRENV_GITHUB_WEB_URL: oauth.url,
        PRENV_GITHUB_CLIENT_ID: oauth.clientId,
        PRENV_GITHUB_CLIENT_SECRET: oauth.clientSecret,
        PRENV_PUBLIC_URL: base,
        ...overrides,
      }),
    serve: (vars, port) => startServe(configFile, vars, port),
    stop: async () => {
      await Promise.allSettled([stack.stop(), github.close()]);
    },
  };
}

/**
 * A real `pull_request` payload of `aipacto/aipacto` for PR `pr` (a non-draft example with
 * `action`), `fields` written into its `pull_request` and `sha` as its head; the GitHub fake then
 * knows the PR as open by `dev`, or as closed for `closed`.
 */
export function pullRequestPayload(
  github: GitHubHttpFake,
  action: string,
  pr: number,
  change: { fields?: Record<string, unknown>; sha?: string } = {},
): Record<string, unknown> {
  const payload = realPayload(
    'pull_request',
    action,
    (p) => !(p.pull_request as { draft: boolean }).draft,
  );
  const pull = payload.pull_request as Record<string, unknown>;
  Object.assign(pull, { number: pr, ...change.fields });
  payload.number = pr;
  const head = pull.head as { sha: string; ref: string };
  if (change.sha) head.sha = change.sha;
  if (action === 'closed') github.closePull(pr);
  else
    github.openPull({
      number: pr,
      headSha: head.sha,
      headRef: head.ref,
      baseRef: 'main',
      title: String(pull.title),
      draft: false,
      fork: false,
      author: 'dev',
    });
  return inRepository(payload, 'aipacto/aipacto');
}

/**
 * GitHub's example `push` payload of `repo` (default `aipacto/aipacto`, whose default branch it
 * says is `main`), moved to `branch` at `sha`.
 */
export function pushPayload(
  branch: string,
  sha: string,
  repo = 'aipacto/aipacto',
): Record<string, unknown> {
  const payload = inRepository(
    realPayload('push', undefined as never, (p) => p.ref === 'refs/heads/master'),
    repo,
  );
  payload.ref = `refs/heads/${branch}`;
  payload.after = sha;
  (payload.repository as Record<string, unknown>).default_branch = 'main';
  return payload;
}
