/**
 * GitHub's App manifest flow, the part that needs a browser and a local port
 * (docs.github.com/en/apps/sharing-github-apps/registering-a-github-app-from-a-manifest):
 * 1. the browser opens our local page, which posts the manifest to GitHub;
 * 2. the user confirms, GitHub redirects to our `/callback?code=…&state=…`;
 * 3. we exchange the code with `POST /app-manifests/{code}/conversions` (no authentication;
 *    the code is valid for one hour, once).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Octokit } from '@octokit/rest';
import { manifestPostUrl, type AppConversion, type AppManifest } from '../../core/app-manifest.js';
import { toGitHubError } from './github-error.js';

export interface ManifestFlowOptions {
  /** The manifest, given the redirect URL of the local server once it listens. */
  manifest: (redirectUrl: string) => AppManifest;
  /** GitHub's web host, where the manifest is posted (default https://github.com). */
  webUrl: string;
  /** GitHub's REST API, where the code is exchanged (default https://api.github.com). */
  apiUrl: string;
  /** Create the App under this organization instead of the user's account. */
  org?: string;
  /** Local port for the page and the redirect; 0 picks a free one. */
  port: number;
  /** How long to wait for GitHub's redirect, in ms. */
  timeoutMs: number;
  fetch?: typeof fetch;
  /** Called once the local page is up, with its URL (print it, or open a browser). */
  onReady(url: string): void;
}

export interface ManifestFlow {
  /** The local page that starts the flow. */
  url: string;
  /** The App GitHub created; rejects on a failed exchange or a timeout. */
  result: Promise<AppConversion>;
  close(): Promise<void>;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const html = (text: string) => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

function page(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(`<!doctype html><meta charset="utf-8"><title>${html(title)}</title>${body}\n`);
}

function sameState(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Starts the local server; the flow ends with the first good redirect, or the timeout. */
export async function startManifestFlow(options: ManifestFlowOptions): Promise<ManifestFlow> {
  const state = randomBytes(16).toString('hex');
  const octokit = new Octokit({
    baseUrl: options.apiUrl,
    userAgent: 'prenv',
    request: options.fetch ? { fetch: options.fetch } : {},
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  // As createOctokit does: GitHub answers JSON for `application/json` as for its own media type.
  octokit.hook.before('request', (req) => {
    req.headers.accept = 'application/json';
  });
  let settle: { resolve(app: AppConversion): void; reject(err: Error): void } | undefined;
  const result = new Promise<AppConversion>((resolve, reject) => {
    settle = { resolve, reject };
  });
  /** Set once the server listens (the manifest holds the redirect URL with its port). */
  const current: { manifest?: AppManifest } = {};
  let exchanging = false;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const manifest = current.manifest;
    if (req.method === 'GET' && url.pathname === '/' && manifest) {
      const action = manifestPostUrl(options.webUrl, state, options.org);
      return page(
        res,
        200,
        'prenv: create the GitHub App',
        `<form id="f" method="post" action="${html(action)}">` +
          `<input type="hidden" name="manifest" value="${html(JSON.stringify(manifest))}">` +
          `<p>prenv will create the GitHub App <b>${html(manifest.name)}</b>.</p>` +
          '<button type="submit">Continue on GitHub</button></form>' +
          '<script>document.getElementById("f").submit()</script>',
      );
    }
    if (req.method === 'GET' && url.pathname === '/callback') {
      const code = url.searchParams.get('code') ?? '';
      if (!sameState(url.searchParams.get('state') ?? '', state) || !/^[\w-]{1,100}$/.test(code))
        return page(res, 400, 'prenv', '<p>This link is not from the App prenv asked for.</p>');
      if (exchanging) return page(res, 409, 'prenv', '<p>Already creating the App.</p>');
      exchanging = true;
      try {
        const { data } = await octokit.rest.apps.createFromManifest({ code });
        const app = data as unknown as AppConversion;
        page(
          res,
          200,
          'prenv: App created',
          `<p>GitHub App <b>${html(app.slug ?? String(app.id))}</b> created. Back to the terminal.</p>`,
        );
        settle?.resolve(app);
      } catch (err) {
        const error = toGitHubError(err, 'App manifest conversion');
        page(res, 502, 'prenv', `<p>${html(error.message)}</p>`);
        settle?.reject(error);
      }
      return;
    }
    page(res, 404, 'prenv', '<p>Not found.</p>');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) page(res, 500, 'prenv', '<p>Internal error.</p>');
      settle?.reject(err instanceof Error ? err : new Error(String(err)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  current.manifest = options.manifest(`${base}/callback`);
  const timer = setTimeout(
    () =>
      settle?.reject(
        new Error(
          `no redirect from GitHub within ${Math.round(options.timeoutMs / 60_000)} min; run prenv app create again`,
        ),
      ),
    options.timeoutMs,
  );
  const close = async () => {
    clearTimeout(timer);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  result.then(close, close);
  options.onReady(`${base}/`);
  return { url: `${base}/`, result, close };
}
