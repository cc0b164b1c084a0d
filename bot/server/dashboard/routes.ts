import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../../config/config.js';
import type { Logger } from '../../core/logger.js';
import type { World } from '../../core/model.js';
import { accessOf, type Session } from './access.js';
import { authorizeUrl, OAuthError, signInWithCode, type OAuthClient } from './oauth.js';
import { html } from './html.js';
import { dashboardPage, LIVE_SCRIPT, page, runPage, signInPage } from './pages.js';
import type { RunLog, RunRecord } from './run-log.js';
import { localPath, redirect } from './respond.js';
import { createPreviewGate, type PreviewGate } from './preview-gate.js';
import { createSigner, deriveKey, parseCookies, setCookie, type Signer } from './session.js';
import { dashboardView } from './view.js';
import { runPath } from './paths.js';
import { envName } from '../../core/model.js';
import { slotSamplesKeepSince } from '../../adapters/store/slot-recorder.js';
import type { SlotSample } from '../../core/slot-history.js';

export const SESSION_COOKIE = 'prenv_session';
const STATE_COOKIE = 'prenv_oauth_state';
/** A sign-in lasts 8 hours; read access is asked of GitHub again at the next sign-in. */
export const SESSION_TTL_MS = 8 * 3_600_000;
const STATE_TTL_MS = 10 * 60_000;
const HEARTBEAT_MS = 15_000;

/** Scripts from the bot only, no frames, no requests elsewhere: the pages load nothing external. */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

export interface DashboardOptions {
  config: Config;
  world: () => Promise<World>;
  runs: RunLog;
  /** The slot samples from `since` (epoch ms) on (`StateStore.slotSamples`), for the charts. */
  slotSamples?: (since: number) => Promise<SlotSample[]>;
  /** The server secret keys are derived from (sessions, OAuth states, bypass tokens). */
  secret: string;
  /** The bot's public base URL (`https://bot.example.com`); the OAuth callback is under it. */
  publicUrl: string | null;
  oauth: OAuthClient | null;
  logger: Logger;
  now?: () => number;
  fetch?: typeof fetch;
}

export type PageRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

export interface Dashboard {
  handle: PageRoute;
  /** One path each route serves (`/runs/<id>` as a run id), so tests can reach every route. */
  paths: readonly string[];
  /** The session of a request, or null when it carries no valid one. */
  session(req: IncomingMessage): Session | null;
  signer: Signer;
  gate: PreviewGate;
}

/**
 * The dashboard's HTTP routes (`/`, `/runs/<id>`, `/runs/<id>/events`, `/pr/<n>`,
 * `/env/production|staging`, `/auth/*`);
 * `handle` answers false for any other path. Every page but the sign-in page needs a session
 * with read access; nothing here changes state, so GETs need no CSRF token.
 */
export function createDashboard(options: DashboardOptions): Dashboard {
  const now = options.now ?? Date.now;
  const sessions = createSigner(deriveKey(options.secret, 'session'));
  const states = createSigner(deriveKey(options.secret, 'oauth-state'));
  const secure = options.publicUrl?.startsWith('https://') ?? false;
  const redirectUri = options.publicUrl
    ? `${options.publicUrl.replace(/\/+$/, '')}/auth/callback`
    : null;
  const repository = `${options.config.github.owner}/${options.config.github.repo}`;

  const session = (req: IncomingMessage): Session | null =>
    sessions.verify<Session>(parseCookies(req.headers.cookie)[SESSION_COOKIE], now());
  const gate = createPreviewGate({
    config: options.config,
    secret: options.secret,
    publicUrl: options.publicUrl,
    session,
    now,
  });
  const protectedPreviews = options.config.previews.protect !== 'none';

  const signIn = (res: ServerResponse, s: Session | null) => {
    const access = accessOf(s);
    const reason = !options.oauth || !redirectUri ? 'not_configured' : access;
    send(
      res,
      access === 'no_access' ? 403 : 401,
      signInPage(reason === 'read' ? 'signed_out' : reason, s?.login),
    );
  };

  /** The signed-in user with read access, or null after answering with the sign-in page. */
  const reader = (req: IncomingMessage, res: ServerResponse): Session | null => {
    const s = session(req);
    if (accessOf(s) === 'read') return s;
    signIn(res, s);
    return null;
  };

  /** `environmentPath`'s page: a redirect to the environment's newest kept run. */
  const newestRun = async (
    req: IncomingMessage,
    res: ServerResponse,
    environment: string,
    label: string,
  ) => {
    const s = reader(req, res);
    if (!s) return;
    const newest = options.runs.list(environment)[0];
    if (newest) return redirect(res, runPath(newest.runId));
    const message = `No run of ${label} is kept (the bot keeps the newest finished runs for a while).`;
    send(res, 404, messagePage(message, s.login));
  };

  // Each route: the paths it serves, one path it serves (for `Dashboard.paths`), its handler.
  const routes: Array<
    [
      RegExp,
      string,
      (req: IncomingMessage, res: ServerResponse, url: URL, m: RegExpExecArray) => Promise<void>,
    ]
  > = [
    [
      /^\/$/,
      '/',
      async (req, res) => {
        const s = reader(req, res);
        if (!s) return;
        const at = now();
        // The charts are history: a store that cannot read it leaves them empty, not the page.
        const samples = await (
          options.slotSamples?.(slotSamplesKeepSince(at)) ?? Promise.resolve([])
        ).catch((err: unknown) => {
          options.logger.warn('could not read the slot samples', {
            error: (err as Error).message,
          });
          return [];
        });
        const view = dashboardView(
          options.config,
          await options.world(),
          options.runs.list(),
          at,
          protectedPreviews ? gate.bypassToken : undefined,
          samples,
        );
        send(res, 200, dashboardPage(view, s.login));
      },
    ],
    [
      /^\/dashboard\.js$/,
      '/dashboard.js',
      async (_req, res) => {
        res.writeHead(200, {
          'content-type': 'text/javascript; charset=utf-8',
          'cache-control': 'no-cache',
          'x-content-type-options': 'nosniff',
        });
        res.end(LIVE_SCRIPT);
      },
    ],
    [
      /^\/pr\/(\d{1,9})$/,
      '/pr/7',
      async (req, res, _url, m) =>
        newestRun(req, res, envName(Number(m[1])), `PR #${Number(m[1])}`),
    ],
    [
      /^\/env\/(production|staging)$/,
      '/env/production',
      async (req, res, _url, m) => newestRun(req, res, m[1]!, m[1]!),
    ],
    [
      /^\/runs\/([^/]{1,200})$/,
      '/runs/pr-7%2Fdeploy%2F1',
      async (req, res, _url, m) => {
        const s = reader(req, res);
        if (!s) return;
        const id = decoded(m[1]!);
        const run = options.runs.get(id);
        if (!run) {
          // A deployment status links its run as soon as it is planned: a run that waits for
          // its turn (settling pushes, a lock) is not recorded yet, but it is not missing.
          const planned = await options.world().then(
            (w) => inFlight(w, id),
            () => false,
          );
          if (planned)
            return send(
              res,
              200,
              messagePage(`Run ${id} has not started yet; reload this page in a moment.`, s.login),
            );
          return send(res, 404, messagePage(`No run ${id} is kept.`, s.login));
        }
        send(res, 200, runPage(run, s.login, now()));
      },
    ],
    [
      /^\/runs\/([^/]{1,200})\/events$/,
      '/runs/pr-7%2Fdeploy%2F1/events',
      async (req, res, _url, m) => {
        if (accessOf(session(req)) !== 'read') {
          res.writeHead(401, { 'content-type': 'text/plain' });
          return void res.end('sign in first');
        }
        const run = options.runs.get(decoded(m[1]!));
        if (!run) {
          res.writeHead(404, { 'content-type': 'text/plain' });
          return void res.end('no such run');
        }
        stream(req, res, run, options.runs);
      },
    ],
    [
      /^\/auth\/login$/,
      '/auth/login',
      async (req, res, url) => {
        if (!options.oauth || !redirectUri) return signIn(res, null);
        const nonce = randomBytes(16).toString('base64url');
        const back = localPath(url.searchParams.get('next'));
        const state = states.sign({ nonce, next: back }, STATE_TTL_MS, now());
        res.setHeader(
          'set-cookie',
          setCookie(STATE_COOKIE, nonce, { maxAgeS: STATE_TTL_MS / 1000, secure }),
        );
        redirect(res, authorizeUrl(options.oauth, redirectUri, state));
      },
    ],
    [
      /^\/auth\/callback$/,
      '/auth/callback',
      async (req, res, url) => {
        if (!options.oauth || !redirectUri) return signIn(res, null);
        const state = states.verify<{ nonce: string; next: string }>(
          url.searchParams.get('state') ?? '',
          now(),
        );
        const nonce = parseCookies(req.headers.cookie)[STATE_COOKIE];
        const code = url.searchParams.get('code');
        // The state must be ours, fresh, and started in this browser (its nonce cookie).
        if (!state || !nonce || state.nonce !== nonce || !code) {
          return send(
            res,
            400,
            messagePage(
              'The sign-in could not be checked (it expired or did not start here). Try again.',
              null,
            ),
          );
        }
        let signed: Session;
        try {
          signed = await signInWithCode(
            options.oauth,
            { code, redirectUri, repository },
            options.fetch,
          );
        } catch (err) {
          if (!(err instanceof OAuthError)) throw err;
          options.logger.warn('GitHub sign-in failed', { error: err.message });
          return send(res, 502, messagePage(`GitHub sign-in failed: ${err.message}.`, null));
        }
        options.logger.info('signed in', { login: signed.login, read: signed.read });
        res.setHeader('set-cookie', [
          setCookie(SESSION_COOKIE, sessions.sign(signed, SESSION_TTL_MS, now()), {
            maxAgeS: SESSION_TTL_MS / 1000,
            secure,
          }),
          setCookie(STATE_COOKIE, '', { maxAgeS: 0, secure }),
        ]);
        redirect(res, state.next);
      },
    ],
    [/^\/auth\/verify$/, '/auth/verify', async (req, res) => gate.verify(req, res)],
    [/^\/auth\/preview$/, '/auth/preview', async (req, res, url) => gate.handOff(req, res, url)],
    [
      /^\/auth\/logout$/,
      '/auth/logout',
      async (_req, res) => {
        res.setHeader('set-cookie', setCookie(SESSION_COOKIE, '', { maxAgeS: 0, secure }));
        redirect(res, '/');
      },
    ],
  ];

  return {
    paths: routes.map(([, example]) => example),
    signer: sessions,
    gate,
    session,
    handle: async (req, res, url) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      for (const [pattern, , route] of routes) {
        const m = pattern.exec(url.pathname);
        if (m) {
          await route(req, res, url, m);
          return true;
        }
      }
      return false;
    },
  };
}

/** A percent-encoded path segment (a run id such as `pr-7/deploy/12`); bad encoding stays as is. */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Whether `runId` is a run the world has in flight (a PR's, or production's or staging's). */
function inFlight(world: World, runId: string): boolean {
  return (
    Object.values(world.envs).some((e) => e.run?.id === runId) ||
    Object.values(world.deploys ?? {}).some((d) => d.run?.id === runId)
  );
}

function messagePage(message: string, login: string | null): string {
  return page(
    'prenv',
    html`<p role="alert">${message}</p>
      <p><a href="/">Back to the dashboard</a></p>`,
    login,
  );
}

function send(res: ServerResponse, status: number, body: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...PAGE_HEADERS, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Server-Sent Events (WHATWG HTML "Server-sent events"): the lines after the browser's
 * `Last-Event-ID`, then each new one as it is written, then `end`; a comment every 15 s keeps
 * proxies from closing an idle stream.
 */
function stream(req: IncomingMessage, res: ServerResponse, run: RunRecord, runs: RunLog): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
  });
  const after = Number(req.headers['last-event-id'] ?? 0) || 0;
  const write = (text: string) => {
    if (!res.destroyed) res.write(text);
  };
  const line = (l: { seq: number; at: number; text: string }) =>
    write(`id: ${l.seq}\nevent: line\ndata: ${JSON.stringify(l)}\n\n`);
  const end = (r: RunRecord) => {
    write(`event: end\ndata: ${JSON.stringify({ outcome: r.outcome, endedAt: r.endedAt })}\n\n`);
    res.end();
  };
  for (const l of run.lines) if (l.seq > after) line(l);
  if (run.endedAt !== null) return end(run);
  const heartbeat = setInterval(() => write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref?.();
  const unsubscribe = runs.subscribe(run.runId, (event) => {
    if (event.line) line(event.line);
    if (event.end) {
      cleanup();
      end(event.end);
    }
  });
  const cleanup = () => {
    clearInterval(heartbeat);
    unsubscribe();
  };
  res.on('close', cleanup);
}
