import { copyFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManifestFlow } from '../../bot/adapters/github/app-manifest-flow.js';
import {
  APP_EVENTS,
  APP_PERMISSIONS,
  appManifest,
  oauthCallbackUrl,
} from '../../bot/core/app-manifest.js';
import { loadConfigOrThrow } from '../../bot/config/load.js';
import { silentLogger } from '../../bot/core/logger.js';
import { emptyWorld } from '../../bot/core/model.js';
import { createDashboard } from '../../bot/server/dashboard/routes.js';
import { RunLog } from '../../bot/server/dashboard/run-log.js';
import { close, createBotHttpServer, listen } from '../../bot/server/http-server.js';
import { readServeSettings } from '../../bot/wiring/settings.js';
import { runCli } from '../cli/run-cli.js';
import { startPrism, type PrismServer } from '../support/prism.js';
import { repoRoot } from '../support/tools.js';

let prism: PrismServer;

beforeAll(async () => {
  prism = await startPrism();
}, 90_000);

afterAll(async () => {
  await prism?.stop();
});

const unescapeHtml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** What a browser sees on the local page: the form GitHub receives. */
async function readForm(
  url: string,
): Promise<{ action: string; manifest: Record<string, unknown> }> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  const body = await res.text();
  const action = /<form id="f" method="post" action="([^"]+)">/.exec(body)?.[1];
  const value = /<input type="hidden" name="manifest" value="([^"]+)">/.exec(body)?.[1];
  if (!action || !value) throw new Error(`no manifest form in:\n${body}`);
  return { action: unescapeHtml(action), manifest: JSON.parse(unescapeHtml(value)) };
}

describe("GitHub's App manifest flow against GitHub's OpenAPI description (Prism)", () => {
  it('posts the manifest, checks state, and exchanges the code once', async () => {
    let ready = '';
    const flow = await startManifestFlow({
      manifest: (redirectUrl) =>
        appManifest({
          name: 'aipacto-prenv',
          url: 'https://github.com/aipacto/aipacto',
          webhookUrl: 'https://prenv.aipacto.com/webhooks/github',
          publicUrl: 'https://prenv.aipacto.com',
          redirectUrl,
        }),
      webUrl: 'https://github.com',
      apiUrl: prism.baseUrl,
      org: 'aipacto',
      port: 0,
      timeoutMs: 60_000,
      fetch: prism.fetch,
      onReady: (url) => void (ready = url),
    });
    expect(ready).toBe(flow.url);
    const { action, manifest } = await readForm(flow.url);
    const state = new URL(action).searchParams.get('state')!;
    expect(action).toBe(
      `https://github.com/organizations/aipacto/settings/apps/new?state=${state}`,
    );
    expect(state).toMatch(/^[0-9a-f]{32}$/);
    expect(manifest).toMatchObject({
      name: 'aipacto-prenv',
      hook_attributes: { url: 'https://prenv.aipacto.com/webhooks/github', active: true },
      redirect_url: `${flow.url}callback`,
      callback_urls: ['https://prenv.aipacto.com/auth/callback'],
      request_oauth_on_install: false,
      public: false,
      default_permissions: APP_PERMISSIONS,
      default_events: [...APP_EVENTS],
    });

    // A redirect that does not carry our state is refused and changes nothing.
    const forged = await fetch(`${flow.url}callback?code=abc&state=${'0'.repeat(32)}`);
    expect(forged.status).toBe(400);
    expect(prism.requests.filter((r) => r.url.includes('/app-manifests/'))).toEqual([]);

    const back = await fetch(`${flow.url}callback?code=2fd5a8c9e1&state=${state}`);
    expect(back.status).toBe(200);
    const app = await flow.result;
    expect(app).toMatchObject({ id: expect.any(Number), pem: expect.any(String) });
    expect(prism.requests.filter((r) => r.url.includes('/app-manifests/'))).toEqual([
      { method: 'POST', url: `${prism.baseUrl}/app-manifests/2fd5a8c9e1/conversions` },
    ]);
    expect(prism.violations).toEqual([]);
    // The server is gone once the App exists.
    await expect(fetch(flow.url)).rejects.toThrow();
  });

  it('gives up after the timeout, saying what to do', async () => {
    const flow = await startManifestFlow({
      manifest: (redirectUrl) =>
        appManifest({
          name: 'x',
          url: 'https://e.test',
          webhookUrl: 'https://e.test/w',
          publicUrl: 'https://e.test',
          redirectUrl,
        }),
      webUrl: 'https://github.com',
      apiUrl: prism.baseUrl,
      port: 0,
      timeoutMs: 50,
      fetch: prism.fetch,
      onReady: () => {},
    });
    await expect(flow.result).rejects.toThrow(
      /no redirect from GitHub .* run prenv app create again/,
    );
  });
});

/**
 * Starts `prenv app create` in a new folder holding the example prenv.yml (GitHub's API is
 * Prism) and waits for the local page it asks to open.
 */
async function startAppCreate(args: string[], env: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'prenv-app-'));
  copyFileSync(path.join(repoRoot, 'examples/aipacto/prenv.yml'), path.join(dir, 'prenv.yml'));
  let stderr = '';
  let opened: (url: string) => void = () => {};
  const pageUrl = new Promise<string>((resolve) => (opened = resolve));
  const run = runCli(['app', 'create', ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', PRENV_GITHUB_API_URL: prism.baseUrl, ...env },
    stderr: (text) => {
      stderr += text;
      const url = /Open (http:\/\/127\.0\.0\.1:\d+\/) in a browser/.exec(stderr)?.[1];
      if (url) opened(url);
    },
  });
  return { dir, run, url: await pageUrl, stderr: () => stderr };
}

describe('prenv app create', () => {
  it('writes the credentials with mode 0600 and prints how to store them, never the secrets', async () => {
    const { dir, run, url, stderr: logged } = await startAppCreate(['--out', 'secrets/app.env']);
    const { action, manifest } = await readForm(url);
    expect(action).toMatch(/^https:\/\/github\.com\/settings\/apps\/new\?state=/);
    expect(manifest).toMatchObject({
      name: 'aipacto-prenv',
      url: 'https://github.com/aipacto/aipacto',
      hook_attributes: { url: 'https://prenv.aipacto.com/webhooks/github' },
      // The bot's host (the webhook URL's origin) is where the dashboard's sign-in returns.
      callback_urls: ['https://prenv.aipacto.com/auth/callback'],
      request_oauth_on_install: false,
    });
    const state = new URL(action).searchParams.get('state')!;
    expect((await fetch(`${url}callback?code=abc123&state=${state}`)).status).toBe(200);
    const { code, stdout } = await run;
    expect(code).toBe(0);

    const file = path.join(dir, 'secrets/app.env');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    const vars = Object.fromEntries(
      [...text.matchAll(/^(\w+)='([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]),
    );
    expect(Object.keys(vars)).toEqual([
      'PRENV_APP_ID',
      'PRENV_PRIVATE_KEY',
      'PRENV_WEBHOOK_SECRET',
      'PRENV_GITHUB_CLIENT_ID',
      'PRENV_GITHUB_CLIENT_SECRET',
    ]);
    expect(vars.PRENV_PRIVATE_KEY).not.toContain('\n');
    for (const secret of [
      vars.PRENV_PRIVATE_KEY!,
      vars.PRENV_WEBHOOK_SECRET!,
      vars.PRENV_GITHUB_CLIENT_SECRET!,
    ])
      expect(stdout + logged()).not.toContain(secret);
    expect(stdout).toContain('/installations/new');
    expect(stdout).toContain('PRENV_PUBLIC_URL=https://prenv.aipacto.com');
    expect(stdout).toContain('nomad var put -force nomad/jobs/prenv-bot');
    expect(stdout).toContain('private_key="$PRENV_PRIVATE_KEY"');
    // The file's names are the ones `prenv serve` reads (Prism's example key is not a real key).
    const serve = readServeSettings({ ...vars, PRENV_INSTALLATION_ID: '1' });
    expect(serve.ok ? [] : serve.errors.filter((e) => !e.startsWith('PRENV_PRIVATE_KEY'))).toEqual(
      [],
    );

    // A second run refuses to replace the key without --force.
    const again = await runCli(['app', 'create', '--out', 'secrets/app.env'], {
      cwd: dir,
      env: {},
    });
    expect(again.code).toBe(4);
    expect(again.stderr).toContain('secrets/app.env exists; pass --force');
  });

  /** Runs `prenv app create` up to GitHub's page and returns the manifest it would post. */
  async function manifestOf(
    args: string[],
    env: Record<string, string> = {},
  ): Promise<Record<string, unknown>> {
    const { run, url } = await startAppCreate(args, env);
    const { action, manifest } = await readForm(url);
    const state = new URL(action).searchParams.get('state')!;
    expect((await fetch(`${url}callback?code=abc123&state=${state}`)).status).toBe(200);
    expect((await run).code).toBe(0);
    return manifest;
  }

  it.each([
    [[], {}, 'https://prenv.aipacto.com/auth/callback'],
    [
      ['--webhook-url', 'https://hooks.example.com:8443/gh'],
      {},
      'https://hooks.example.com:8443/auth/callback',
    ],
    [[], { PRENV_PUBLIC_URL: 'https://bot.example.com/' }, 'https://bot.example.com/auth/callback'],
    [
      ['--public-url', 'https://ops.example.com/prenv'],
      { PRENV_PUBLIC_URL: 'https://bot.example.com' },
      'https://ops.example.com/prenv/auth/callback',
    ],
  ])('%j with %j registers the OAuth callback %s', async (args, env, callback) => {
    const manifest = await manifestOf(args, env);
    expect(manifest).toMatchObject({ callback_urls: [callback], request_oauth_on_install: false });
  });

  it.each(['ftp://bot.example.com', 'bot.example.com', 'https://bot.example.com/?a=1'])(
    'refuses --public-url %s',
    async (url) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'prenv-app-'));
      copyFileSync(path.join(repoRoot, 'examples/aipacto/prenv.yml'), path.join(dir, 'prenv.yml'));
      const run = await runCli(['app', 'create', '--public-url', url], { cwd: dir, env: {} });
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toContain(`--public-url must be the bot's http(s) base URL`);
    },
  );

  it.each([
    [['--org', 'bad org'], /--org must be a GitHub organization name: "bad org" /],
    [['--org', 'acme/../x'], /--org must be a GitHub organization name: /],
    [['--org', '-acme'], /--org must be a GitHub organization name: /],
    [['--org', 'a'.repeat(40)], /--org must be a GitHub organization name: /],
    [['--timeout', '0'], /--timeout must be from 1 to 35791 .*, got "0"/],
  ])('refuses %j before anything is served', async (args, message) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prenv-app-'));
    copyFileSync(path.join(repoRoot, 'examples/aipacto/prenv.yml'), path.join(dir, 'prenv.yml'));
    const run = await runCli(['app', 'create', ...args], { cwd: dir, env: {} });
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(message);
  });

  it("registers the very redirect_uri the dashboard's sign-in sends", async () => {
    const publicUrl = 'https://prenv.aipacto.com';
    const config = loadConfigOrThrow(
      readFileSync(path.join(repoRoot, 'examples/aipacto/prenv.yml'), 'utf8'),
      'prenv.yml',
    );
    const dashboard = createDashboard({
      config,
      world: async () => emptyWorld(),
      runs: new RunLog({ secrets: [] }),
      secret: 'server-secret-for-tests',
      publicUrl,
      oauth: { clientId: 'Iv1.x', clientSecret: 's', webUrl: 'https://github.com', apiUrl: '' },
      logger: silentLogger,
    });
    const server = createBotHttpServer({
      handleWebhook: async () => ({ status: 202, body: { status: 'queued' } }),
      allowCertificate: async () => false,
      health: async () => ({ ok: true, checks: {} }),
      logger: silentLogger,
      pages: (req, res, url) => dashboard.handle(req, res, url),
    });
    const port = await listen(server, 0);
    try {
      const login = await fetch(`http://127.0.0.1:${port}/auth/login`, { redirect: 'manual' });
      const redirectUri = new URL(login.headers.get('location')!).searchParams.get('redirect_uri');
      const manifest = await manifestOf([], { PRENV_PUBLIC_URL: publicUrl });
      expect(manifest.callback_urls).toEqual([redirectUri]);
      expect(redirectUri).toBe(oauthCallbackUrl(publicUrl));
    } finally {
      await close(server);
    }
  });

  it('needs names when there is no prenv.yml', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prenv-app-'));
    const run = await runCli(['app', 'create'], { cwd: dir, env: {} });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('pass --name, --webhook-url and --homepage');
  });
});
