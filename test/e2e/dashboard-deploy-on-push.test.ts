import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOAuthFake, type OAuthFake } from '../fakes/github/oauth-fake.js';
import { until } from '../runtime/harness.js';
import type { ServeProcess } from '../server/serve-process.js';
import { readEvents, signInByFetch } from '../support/dashboard-session.js';
import { startOnFreePorts } from '../support/local-process.js';
import { pushPayload, startServeStack, type ServeStack } from '../support/serve-stack.js';

// `prenv serve` against the simulated cloud deploys production on a push to the default branch:
// that run has a run page with its steps and live lines, the environments table shows it, and
// every status of production's GitHub Deployment links to it, as a PR's do.
const TOKEN = 'ghp_dashboard_push_e2e';
const SHA = 'd05e0b00'.padEnd(40, '7');

let stack: ServeStack;
let oauth: OAuthFake;
let serve: ServeProcess;
let base: string;
let serveEnv: Record<string, string>;
let cookie: string;

beforeAll(async () => {
  stack = await startServeStack({
    githubToken: TOKEN,
    append: 'deploy_on_push:\n  checks: [build]\n',
  });
  oauth = await startOAuthFake('aipacto/aipacto', stack.github.url);
  // production's module beside the PR module, as `terraform/environments/*` are laid out.
  const modules = path.join(stack.dir, 'terraform', 'environments');
  for (const env of ['pr', 'production']) mkdirSync(path.join(modules, env), { recursive: true });
  serve = await startOnFreePorts(1, ([port]) => {
    base = `http://127.0.0.1:${port}`;
    serveEnv = stack.dashboardEnv(oauth, base, {
      PRENV_TERRAFORM_DIR: path.join(modules, 'pr'),
      PRENV_CADDY_HTTP: `http://127.0.0.1:${stack.stack.caddy.httpPort}`,
      // Each resource change takes a moment: the run is still going when its page is opened.
      PRENV_FAKE_TF_DELAY_MS: '400',
    });
    return stack.serve(serveEnv, port);
  });
  oauth.signInAs({ login: 'reader', permissions: { pull: true } });
  cookie = await signInByFetch(base);
}, 120_000);

afterAll(async () => {
  serve?.child.kill('SIGTERM');
  await serve?.child;
  await Promise.allSettled([stack?.stop(), oauth?.close()]);
});

const get = (p: string) => fetch(`${base}${p}`, { redirect: 'manual', headers: { cookie } });
const production = () =>
  stack.github.state.deployments.filter((d) => d.environment === 'production');
/** The `log_url`s of a deployment's statuses about its run (`in_progress`, `success`). */
const runLinks = (d: { statuses: string[]; logUrls: (string | null)[] }) =>
  d.statuses.flatMap((state, i) =>
    state === 'in_progress' || state === 'success' ? [d.logUrls[i]] : [],
  );

describe('production deployed on push, on the dashboard', { timeout: 120_000 }, () => {
  it('has a run page whose lines stream live, listed under production, linked from the deployment', async () => {
    expect((await get('/env/production')).status).toBe(404);
    stack.github.state.setChecks(SHA, { name: 'build', state: 'success' });
    expect(await serve.post('push', pushPayload('main', SHA), 'push-main')).toBe(202);

    // The run's page exists as soon as it starts; `/env/production` leads to it.
    let runPath = '';
    await until(
      async () => {
        const res = await get('/env/production');
        runPath = res.headers.get('location') ?? '';
        return res.status === 302;
      },
      'production has a run',
      30_000,
    );
    expect(decodeURIComponent(runPath)).toMatch(/^\/runs\/production\/deploy\/\d+$/);
    const atLoad = await (await get(runPath)).text();
    expect(atLoad).toMatch(/deploy of\s+production at <code>d05e0b0<\/code>/);
    expect(atLoad).toContain('data-live="1"');
    const seen = Number(/data-seen="(\d+)"/.exec(atLoad)![1]);

    // The stream carries the lines written after the page was read, then the end.
    const events = await readEvents(`${base}${runPath}/events`, {
      cookie,
      'last-event-id': String(seen),
    });
    const lines = events
      .filter((e) => e.event === 'line')
      .map((e) => e.data as { seq: number; text: string });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => seen + 1 + i));
    expect(events.at(-1)).toMatchObject({ event: 'end', data: { outcome: 'succeeded' } });

    // Finished, the page lists every step: Terraform, Nomad, Caddy and the health checks.
    const page = await (await get(runPath)).text();
    expect(page).not.toContain('data-live');
    for (const step of [
      'terraform apply production',
      'waiting for 3 production node(s) in Nomad',
      'submitting aipacto-production.nomad.hcl',
      'loading the Caddy route',
      'waiting for aipacto-production-web to pass its health check',
      'requesting aipacto.com through Caddy',
    ])
      expect(page).toContain(`<td>${step}`);
    // Notes (a plan's summary, the route's outcome) are output under their step, not steps.
    expect(page).toContain('route prenv-production: added');
    expect(page).not.toContain('<td>route prenv-production');
    expect(page).not.toContain(TOKEN);

    // Every status of production's deployment about the run links to that run's page.
    await until(
      () => production()[0]?.statuses.includes('success') ?? false,
      'the production deployment succeeds',
      30_000,
    );
    const [deployment, ...others] = production();
    expect(others).toEqual([]);
    expect(deployment!.ref).toBe(SHA);
    expect(deployment!.statuses.slice(-2)).toEqual(['in_progress', 'success']);
    expect(runLinks(deployment!)).toEqual([`${base}${runPath}`, `${base}${runPath}`]);

    // The environments table: production live at the commit, its last run and outcome.
    const dashboard = await (await get('/')).text();
    const row = /<tr>\s*<th scope="row">production<\/th>([\s\S]*?)<\/tr>/.exec(dashboard)![1]!;
    expect(row).toContain('class="state-live">live<');
    expect(row).toContain(`<code>${SHA.slice(0, 7)}</code>`);
    expect(row).toMatch(
      /<a href="\/env\/production">deploy<\/a>\s*<span class="outcome-succeeded">succeeded<\/span>/,
    );
    expect(dashboard).toContain(`<a href="${runPath}">`);
  });

  it("links the next commit's statuses to its own run, and the first commit's still to its run", async () => {
    const [first] = production();
    const NEXT = 'e1e2e3e4'.padEnd(40, '8');
    stack.github.state.setChecks(NEXT, { name: 'build', state: 'success' });
    expect(await serve.post('push', pushPayload('main', NEXT), 'push-main-2')).toBe(202);
    await until(
      () =>
        production()
          .find((d) => d.ref === NEXT)
          ?.statuses.includes('success') ?? false,
      'the second production deployment succeeds',
      30_000,
    );
    const second = production().find((d) => d.ref === NEXT)!;
    const [firstLink] = runLinks(first!);
    const secondLinks = runLinks(second);
    expect(secondLinks).toHaveLength(2);
    expect(new Set(secondLinks).size).toBe(1);
    expect(secondLinks[0]).not.toBe(firstLink);
    for (const [link, sha] of [
      [firstLink!, SHA],
      [secondLinks[0]!, NEXT],
    ] as const) {
      const res = await get(link.slice(base.length));
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(`<code>${sha.slice(0, 7)}</code>`);
    }
    // The environment's page leads to the newest run: the second.
    expect(`${base}${(await get('/env/production')).headers.get('location')}`).toBe(secondLinks[0]);
  });

  it('keeps the run across a restart of the bot', async () => {
    serve.child.kill('SIGTERM');
    await serve.child;
    serve = await stack.serve(serveEnv, serve.port);
    const runPath = (await get('/env/production')).headers.get('location')!;
    const page = await (await get(runPath)).text();
    expect(page).toContain('class="outcome-succeeded">succeeded<');
    expect(page).toContain('<td>terraform apply production');
  });

  it('tells an anonymous /healthz nothing of the repository', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', store: 'ok', worker: 'ok' });
  });

  it('asks for a sign-in first', async () => {
    for (const p of ['/env/production', '/env/staging']) {
      const res = await fetch(`${base}${p}`, { redirect: 'manual' });
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain('production/deploy');
    }
  });
});
