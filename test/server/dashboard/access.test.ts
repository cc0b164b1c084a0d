import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../bot/config/load.js';
import { silentLogger } from '../../../bot/core/logger.js';
import { emptyWorld, newEnv, type World } from '../../../bot/core/model.js';
import { accessOf, canRead } from '../../../bot/server/dashboard/access.js';
import { localPath } from '../../../bot/server/dashboard/respond.js';
import { createDashboard, type Dashboard } from '../../../bot/server/dashboard/routes.js';
import { RunLog } from '../../../bot/server/dashboard/run-log.js';
import { close, createBotHttpServer, listen } from '../../../bot/server/http-server.js';
import { startOAuthFake, type OAuthFake } from '../../fakes/github/oauth-fake.js';
import { repoRoot } from '../../support/tools.js';

const example = path.join(repoRoot, 'examples/aipacto/prenv.yml');
const config = loadConfigOrThrow(readFileSync(example, 'utf8'), example);
const repository = `${config.github.owner}/${config.github.repo}`;
const SECRET_VALUE = 'hcloud-token-that-must-never-show';

let oauth: OAuthFake;
let server: Server;
let base: string;
const runs = new RunLog({ secrets: [SECRET_VALUE] });
const world: World = emptyWorld();

beforeAll(async () => {
  oauth = await startOAuthFake(repository);
  const env = newEnv(
    {
      number: 7,
      headSha: 'a'.repeat(40),
      headRef: 'feature',
      baseRef: 'main',
      title: 'Add <b>bold</b> & things',
      author: 'octocat',
      draft: false,
      fork: false,
      state: 'open',
      merged: false,
    },
    Date.now(),
  );
  world.envs[7] = { ...env, phase: 'live', deployedSha: 'a'.repeat(40) };
  runs.started({ kind: 'provision', pr: 7, runId: 'pr-7/provision/1' });
  runs.line('pr-7/provision/1', 'terraform apply pr-7');
  runs.line('pr-7/provision/1', `HCLOUD_TOKEN=${SECRET_VALUE} refused`);
  runs.finished('pr-7/provision/1', 'succeeded');
  const late: { dashboard?: Dashboard } = {};
  server = createBotHttpServer({
    handleWebhook: async () => ({ status: 202, body: { status: 'queued' } }),
    allowCertificate: async () => false,
    health: async () => ({ ok: true, checks: {} }),
    logger: silentLogger,
    pages: (req, res, url) => late.dashboard!.handle(req, res, url),
  });
  const port = await listen(server, 0);
  base = `http://127.0.0.1:${port}`;
  late.dashboard = createDashboard({
    config,
    world: async () => world,
    runs,
    secret: 'server-secret-for-tests',
    publicUrl: base,
    oauth: { ...oauth, webUrl: oauth.url, apiUrl: oauth.url },
    logger: silentLogger,
  });
});

afterAll(async () => {
  await close(server);
  await oauth.close();
});

/** Goes through the OAuth flow as `login` and returns the session cookie. */
async function signIn(login: string, permissions: Record<string, boolean> | null): Promise<string> {
  oauth.signInAs({ login, permissions });
  const start = await fetch(`${base}/auth/login?next=/pr/7`, { redirect: 'manual' });
  const stateCookie = start.headers.get('set-cookie')!.split(';')[0]!;
  const atGitHub = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  const callback = await fetch(atGitHub.headers.get('location')!, {
    redirect: 'manual',
    headers: { cookie: stateCookie },
  });
  expect(callback.status).toBe(302);
  expect(callback.headers.get('location')).toBe('/pr/7');
  const session = callback.headers.getSetCookie().find((c) => c.startsWith('prenv_session='))!;
  expect(session).toMatch(/; HttpOnly; SameSite=Lax/);
  return session.split(';')[0]!;
}

describe('who sees the dashboard', () => {
  const paths = ['/', '/runs/pr-7%2Fprovision%2F1', '/runs/pr-7%2Fprovision%2F1/events', '/pr/7'];
  const cases: Array<[string, () => Promise<string | null>, number]> = [
    ['a signed-out visitor', async () => null, 401],
    ['a forged session', async () => 'prenv_session=eyJsb2dpbiI6ImEiLCJyZWFkIjp0cnVlfQ.AAAA', 401],
    ['a user the repository is hidden from', () => signIn('stranger', null), 403],
    ['a user with no permission listed', () => signIn('nobody', { pull: false }), 403],
    ['a reader', () => signIn('reader', { pull: true }), 200],
    ['a maintainer', () => signIn('maint', { admin: true, push: true, pull: true }), 200],
  ];
  it.each(cases)('%s', async (_who, cookie, status) => {
    const c = await cookie();
    for (const p of paths) {
      const res = await fetch(`${base}${p}`, {
        redirect: 'manual',
        headers: c ? { cookie: c } : {},
      });
      const body = await res.text();
      if (status === 200) {
        expect(res.status, p).toBeLessThan(400);
        continue;
      }
      expect(res.status, p).toBe(p.endsWith('/events') ? 401 : status);
      // Nothing of the repository's environments: only the sign-in page.
      expect(body).not.toContain('pr-7');
      expect(body).not.toContain('terraform');
      if (!p.endsWith('/events')) expect(body).toContain('/auth/login');
    }
  });

  it('shows the environments, escaping what a PR author wrote', async () => {
    const cookie = await signIn('reader', { pull: true });
    const body = await (await fetch(`${base}/`, { headers: { cookie } })).text();
    expect(body).toContain('<th scope="row">pr-7</th>');
    expect(body).toContain('https://pr-7.pr.');
    expect(body).toContain('pr-7/provision/1');
    expect(body).not.toContain('<b>bold</b>');
  });

  it('answers a run in flight that has not started yet (a deployment status links it at once), and 404 for an unknown run', async () => {
    const cookie = await signIn('reader', { pull: true });
    world.envs[7]!.run = {
      id: 'pr-7/redeploy/2',
      kind: 'redeploy',
      sha: 'b'.repeat(40),
      startedAt: 0,
    };
    try {
      const waiting = await fetch(`${base}/runs/pr-7%2Fredeploy%2F2`, { headers: { cookie } });
      expect(waiting.status).toBe(200);
      expect(await waiting.text()).toContain('Run pr-7/redeploy/2 has not started yet');
    } finally {
      world.envs[7]!.run = null;
    }
    const gone = await fetch(`${base}/runs/pr-7%2Fredeploy%2F2`, { headers: { cookie } });
    expect(gone.status).toBe(404);
    expect(await gone.text()).toContain('No run pr-7/redeploy/2 is kept.');
  });

  it('streams a run as Server-Sent Events, resuming after Last-Event-ID, without secrets', async () => {
    const cookie = await signIn('reader', { pull: true });
    const url = `${base}/runs/pr-7%2Fprovision%2F1/events`;
    const res = await fetch(url, { headers: { cookie } });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    expect(text).toContain('id: 1\nevent: line\ndata: {"seq":1,');
    expect(text).toContain('[REDACTED] refused');
    expect(text).toMatch(/event: end\ndata: \{"outcome":"succeeded"/);
    expect(text).not.toContain(SECRET_VALUE);
    const resumed = await (await fetch(url, { headers: { cookie, 'last-event-id': '1' } })).text();
    expect(resumed).not.toContain('id: 1\n');
    expect(resumed).toContain('id: 2\n');
  });

  it('leaves the health, metrics and webhook paths as they are', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    expect((await fetch(`${base}/webhooks/github`, { method: 'POST', body: '{}' })).status).toBe(
      202,
    );
  });

  it('refuses a callback whose state was not started in this browser', async () => {
    const start = await fetch(`${base}/auth/login`, { redirect: 'manual' });
    const atGitHub = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const noCookie = await fetch(atGitHub.headers.get('location')!, { redirect: 'manual' });
    expect(noCookie.status).toBe(400);
    expect(noCookie.headers.get('set-cookie') ?? '').not.toContain('prenv_session');
    const forged = new URL(atGitHub.headers.get('location')!);
    forged.searchParams.set('state', 'x.y');
    const stateCookie = start.headers.get('set-cookie')!.split(';')[0]!;
    const bad = await fetch(forged, { redirect: 'manual', headers: { cookie: stateCookie } });
    expect(bad.status).toBe(400);
  });
});

describe('access rules', () => {
  it.each([
    [null, 'signed_out'],
    [{ login: '', read: true }, 'signed_out'],
    [{ login: 'a', read: false }, 'no_access'],
    [{ login: 'a', read: true }, 'read'],
  ] as const)('%j → %s', (session, access) => {
    expect(accessOf(session)).toBe(access);
  });

  it.each([
    [{ permissions: { pull: true } }, true],
    [{ permissions: { admin: true } }, true],
    [{ permissions: { triage: true, pull: false } }, true],
    [{ permissions: { pull: false, push: false } }, false],
    [{ permissions: null }, false],
    [{}, false],
    [null, false],
  ])('canRead(%j) is %s', (repo, expected) => {
    expect(canRead(repo)).toBe(expected);
  });

  it.each([
    ['/runs/a', '/runs/a'],
    ['//evil.example/', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example/', '/'],
    [null, '/'],
  ])('sends back to %j as %j', (next, expected) => {
    expect(localPath(next)).toBe(expected);
  });
});
