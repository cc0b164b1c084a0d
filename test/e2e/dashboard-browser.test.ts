import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOAuthFake, type OAuthFake } from '../fakes/github/oauth-fake.js';
import type { ServeProcess } from '../server/serve-process.js';
import { startOnFreePorts } from '../support/local-process.js';
import { pullRequestPayload, startServeStack, type ServeStack } from '../support/serve-stack.js';
import { repoRoot } from '../support/tools.js';

// `prenv serve` against the simulated cloud, seen through Debian's Chromium: sign in through a
// GitHub OAuth fake, open a PR, watch its runs stream to "live", check the environments table.
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(repoRoot, 'test-artifacts');
const PR = 41;

let stack: ServeStack;
let oauth: OAuthFake;
let serve: ServeProcess;
let browser: Browser;
let base: string;
let serveEnv: Record<string, string>;

beforeAll(async () => {
  stack = await startServeStack({ githubToken: 'ghp_dashboard_e2e' });
  oauth = await startOAuthFake('aipacto/aipacto', stack.github.url);
  serve = await startOnFreePorts(1, ([port]) => {
    base = `http://127.0.0.1:${port}`;
    serveEnv = stack.dashboardEnv(oauth, base);
    return stack.serve(serveEnv, port);
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  mkdirSync(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  serve?.child.kill('SIGTERM');
  await serve?.child;
  await Promise.allSettled([stack?.stop(), oauth?.close()]);
});

const opened = (pr: number) => pullRequestPayload(stack.github, 'opened', pr);

describe('the dashboard in Chromium', { timeout: 120_000 }, () => {
  it('shows nothing but the sign-in to a visitor without read access', async () => {
    oauth.signInAs({ login: 'stranger', permissions: null });
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await expect(page.getByRole('link', { name: 'Sign in with GitHub' }).count()).resolves.toBe(1);
    await page.getByRole('link', { name: 'Sign in with GitHub' }).click();
    await page.waitForURL(`${base}/`);
    const text = await page.locator('body').innerText();
    expect(text).toContain('stranger has no read access');
    expect(text).not.toContain('production');
    await page.close();
  });

  it('signs a reader in, streams the runs of a new PR until it is live, and lists it', async () => {
    oauth.signInAs({ login: 'reader', permissions: { pull: true } });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: 'Sign in with GitHub' }).click();
    await page.waitForURL(`${base}/`);
    await expect(page.getByRole('table', { name: 'Environments' }).isVisible()).resolves.toBe(true);

    expect(await serve.post('pull_request', opened(PR), 'open-41')).toBe(202);
    // The provision run: open its page while it runs and see lines arrive without a reload.
    let first = '';
    for (let i = 0; i < 100 && !first.includes('/runs/'); i++) {
      await page.goto(`${base}/pr/${PR}`);
      first = page.url();
      if (!first.includes('/runs/')) await page.waitForTimeout(100);
    }
    const output = page.getByLabel('Run output');
    const outcome = page.getByRole('status');
    await page.waitForFunction(
      () => document.getElementById('outcome')?.textContent !== 'running',
      undefined,
      { timeout: 60_000 },
    );
    expect(await outcome.innerText()).toBe('succeeded');
    expect(await output.innerText()).toContain(`terraform apply pr-${PR}`);

    // The deploy run, followed live until it ends.
    let deployUrl = first;
    for (let i = 0; i < 200 && deployUrl === first; i++) {
      await page.goto(`${base}/pr/${PR}`);
      deployUrl = page.url();
      if (deployUrl === first) await page.waitForTimeout(100);
    }
    expect(decodeURIComponent(deployUrl)).toContain(`pr-${PR}/deploy/`);
    const linesAtLoad = (await output.innerText()).split('\n').filter(Boolean).length;
    const runningAtLoad = (await output.getAttribute('data-live')) === '1';
    await page.waitForFunction(
      () => document.getElementById('outcome')?.textContent === 'succeeded',
      undefined,
      { timeout: 60_000 },
    );
    const lines = (await output.innerText()).split('\n').filter(Boolean);
    expect(lines.join('\n')).toContain('adding the Caddy route');
    expect(lines.length).toBeGreaterThan(0);
    // Loaded while the run went on, the page got its later lines (and its end) by the stream,
    // without a reload, and no line twice. The fake terraform makes the deploy take seconds.
    expect(runningAtLoad).toBe(true);
    expect(lines.length).toBeGreaterThan(linesAtLoad);
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines.join('\n')).not.toContain('ghp_dashboard_e2e');
    await page.screenshot({ path: path.join(ARTIFACTS, 'run-page.png'), fullPage: true });

    await page.goto(`${base}/`);
    const row = page
      .getByRole('table', { name: 'Environments' })
      .getByRole('row', { name: new RegExp(`^pr-${PR}\\b`) });
    await expect(row.innerText()).resolves.toMatch(/live/);
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[0]).toBe('live');
    expect(cells[1]).toContain(`https://pr-${PR}.pr.aipacto.com`);
    expect(cells[2]).toMatch(/^[0-9a-f]{7}$/);
    expect(cells[4]).toBe('cx22');
    expect(cells[5]).toMatch(/^€\d/);
    expect(cells[6]).toMatch(/deploy succeeded/);
    // The pictures: slots over 7 days and the month's cost, named and described for screen readers.
    const slots = page.getByRole('img', { name: /^Slots used over the last 7 days / });
    const cost = page.getByRole('img', { name: /^Cost of preview servers in \w+ \d{4} against/ });
    await expect(slots.count()).resolves.toBe(1);
    await expect(cost.count()).resolves.toBe(1);
    expect(await slots.locator('desc').textContent()).toMatch(/: 1 of a cap of 15, .*; 1 used now/);
    expect(await cost.locator('desc').textContent()).toMatch(
      /^Preview servers cost €\d+\.\d\d so far .* at most €\d+(\.\d\d)? for the whole month\.$/,
    );
    // Both fit the phone-width page: as wide as their box, not wider than the screen.
    for (const chart of [slots, cost]) {
      const box = (await chart.boundingBox())!;
      expect(box.width).toBeGreaterThan(250);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true });

    // A restarted bot still shows the finished run's steps and lines, and the slot history.
    serve.child.kill('SIGTERM');
    await serve.child;
    serve = await stack.serve(serveEnv, serve.port);
    await page.goto(deployUrl);
    await expect(outcome.innerText()).resolves.toBe('succeeded');
    const kept = (await output.innerText()).split('\n').filter(Boolean);
    expect(kept).toEqual(lines);
    await expect(page.getByRole('table', { name: 'Steps' }).getByRole('row').count()).resolves.toBe(
      lines.length + 1,
    );
    await page.goto(`${base}/`);
    expect(await slots.locator('desc').textContent()).toMatch(/: 1 of a cap of 15, .*; 1 used now/);
    await context.close();
  });
});
