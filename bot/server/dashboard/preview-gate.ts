import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../../config/config.js';
import { PREVIEW_AUTH } from '../../../generators/caddy/routes.js';
import { previewNumberOf } from '../live-hosts.js';
import { previewBypassToken } from '../../runtime/preview-bypass.js';
import { accessOf, type Session } from './access.js';
import { localPath, redirect } from './respond.js';
import { createSigner, deriveKey, parseCookies, setCookie } from './session.js';
import { UsedTickets } from './used-tickets.js';

export const PREVIEW_COOKIE = 'prenv_preview';
/** The query parameter that may carry the bypass token instead of the header. */
export const BYPASS_PARAM = 'prenv_bypass';
/** Path on the preview host that turns a ticket from the bot into the preview's own cookie. */
export const TICKET_PATH = '/__prenv/auth';
const TICKET_TTL_MS = 60_000;
const PREVIEW_SESSION_TTL_MS = 8 * 3_600_000;

export interface PreviewGateOptions {
  config: Config;
  /** The server secret bypass tokens, tickets and preview cookies are derived from. */
  secret: string;
  /** The bot's public base URL: where a signed-out visitor is sent to sign in. */
  publicUrl: string | null;
  /** The dashboard session of a request to the bot's own host. */
  session: (req: IncomingMessage) => Session | null;
  now?: () => number;
  /** Tickets already redeemed (default: a fresh `UsedTickets`). */
  usedTickets?: UsedTickets;
}

/** What a sign-in ticket carries: who, for which preview host, its id and expiry (epoch ms). */
interface Ticket {
  login: string;
  host: string;
  id?: unknown;
  exp: number;
}

export interface PreviewGate {
  /** `GET /auth/verify`, asked by Caddy's forward_auth for each request to a preview host. */
  verify(req: IncomingMessage, res: ServerResponse): void;
  /** `GET /auth/preview?to=<url>` on the bot's host: sends a reader back with a ticket. */
  handOff(req: IncomingMessage, res: ServerResponse, url: URL): void;
  /** The bypass token of PR `pr`'s environment; the same for as long as the secret is. */
  bypassToken(pr: number): string;
}

/**
 * Preview protection (`previews.protect`). The bot's sign-in cookie belongs to the bot's host,
 * so a preview host gets its own: a signed-out request is redirected to the bot, which (once
 * the user is signed in with read access) redirects back to `TICKET_PATH` with a short-lived
 * signed ticket for that one host; `verify` answers that request with the preview's cookie. A
 * ticket is taken once (`UsedTickets`): a replayed ticket URL gets the sign-in redirect.
 * A request with the environment's bypass token (header or query parameter) always passes;
 * with `basic`, the token is the Basic auth password instead of a GitHub sign-in.
 */
export function createPreviewGate(options: PreviewGateOptions): PreviewGate {
  const now = options.now ?? Date.now;
  const previewOf = previewNumberOf(options.config);
  const tickets = createSigner(deriveKey(options.secret, 'preview-ticket'));
  const cookies = createSigner(deriveKey(options.secret, 'preview-session'));
  const mode = options.config.previews.protect;
  const used = options.usedTickets ?? new UsedTickets();

  const bypassToken = (pr: number) =>
    previewBypassToken(options.secret, options.config.project, pr);
  const isToken = (pr: number, given: string | null | undefined) => {
    if (!given) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(bypassToken(pr));
    return a.length === b.length && timingSafeEqual(a, b);
  };

  return {
    bypassToken,
    verify(req, res) {
      const host = String(req.headers.host ?? '');
      const pr = previewOf(host);
      if (pr === null) return text(res, 403, 'not a preview host');
      const forwarded = forwardedUrl(req);
      const pass = (why: string, headers: Record<string, string> = {}) =>
        text(res, 200, why, { ...headers, ...withoutBypassParam(forwarded.query) });
      if (mode === 'none') return pass('open');
      const header = req.headers[PREVIEW_AUTH.bypassHeader.toLowerCase()];
      if (isToken(pr, typeof header === 'string' ? header : null)) return pass('bypass');
      if (isToken(pr, forwarded.url.searchParams.get(BYPASS_PARAM))) return pass('bypass');
      if (mode === 'basic') {
        // The credentials are the gate's, not the app's: the app never sees them. With the
        // header or the query parameter instead, an Authorization header is the app's own.
        if (isToken(pr, basicPassword(req.headers.authorization)))
          return pass('basic', { [PREVIEW_AUTH.strip.dropAuthorization]: '1' });
        res.setHeader('www-authenticate', `Basic realm="pr-${pr}", charset="UTF-8"`);
        return text(res, 401, 'this preview needs its bypass token as the password');
      }
      const secure = req.headers['x-forwarded-proto'] === 'https';
      const signed = cookies.verify<{ login: string; host: string }>(
        parseCookies(req.headers.cookie)[PREVIEW_COOKIE],
        now(),
      );
      if (signed && signed.host === previewHost(host)) {
        return forwarded.url.pathname === TICKET_PATH
          ? redirect(res, localPath(forwarded.url.searchParams.get('next')))
          : pass('signed in');
      }
      if (forwarded.url.pathname === TICKET_PATH) {
        const ticket = tickets.verify<Ticket>(
          forwarded.url.searchParams.get('ticket') ?? '',
          now(),
        );
        if (
          ticket &&
          ticket.host === previewHost(host) &&
          typeof ticket.id === 'string' &&
          used.use(ticket.id, ticket.exp, now())
        ) {
          res.setHeader(
            'set-cookie',
            setCookie(
              PREVIEW_COOKIE,
              cookies.sign(
                { login: ticket.login, host: ticket.host },
                PREVIEW_SESSION_TTL_MS,
                now(),
              ),
              { maxAgeS: PREVIEW_SESSION_TTL_MS / 1000, secure },
            ),
          );
          return redirect(res, localPath(forwarded.url.searchParams.get('next')));
        }
      }
      if (!options.publicUrl) return text(res, 403, 'sign-in is not set up on the prenv bot');
      const back = new URL(
        forwarded.url.pathname === TICKET_PATH
          ? '/'
          : forwarded.url.pathname + forwarded.url.search,
        `${secure ? 'https' : 'http'}://${previewHost(host)}`,
      );
      const signIn = new URL('/auth/preview', options.publicUrl);
      signIn.searchParams.set('to', back.toString());
      return redirect(res, signIn.toString());
    },
    handOff(req, res, url) {
      const to = URL.canParse(url.searchParams.get('to') ?? '')
        ? new URL(url.searchParams.get('to')!)
        : null;
      // Only to a preview host of this repository: never an open redirect.
      if (!to || !/^https?:$/.test(to.protocol) || previewOf(to.host) === null)
        return text(res, 400, 'not a preview address');
      const session = options.session(req);
      const access = accessOf(session);
      if (access !== 'read') {
        const next = `/auth/preview?to=${encodeURIComponent(to.toString())}`;
        return redirect(
          res,
          access === 'signed_out' ? `/auth/login?next=${encodeURIComponent(next)}` : '/',
        );
      }
      const ticket = tickets.sign(
        {
          login: session!.login,
          host: previewHost(to.host),
          id: randomBytes(16).toString('base64url'),
        },
        TICKET_TTL_MS,
        now(),
      );
      const back = new URL(TICKET_PATH, to.origin);
      back.searchParams.set('ticket', ticket);
      back.searchParams.set('next', to.pathname + to.search);
      return redirect(res, back.toString());
    },
  };
}

/** The host in one spelling, port dropped: cookies and tickets are bound to it. */
function previewHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

/**
 * The original request as Caddy's forward_auth names it (`X-Forwarded-Uri`, Caddy's
 * `{http.request.uri}`): its URL, and its raw query, everything after the first `?` as Go's
 * `url.URL.RawQuery` has it (Caddy's `{http.request.uri.query}`).
 */
function forwardedUrl(req: IncomingMessage): { url: URL; query: string } {
  const uri = req.headers['x-forwarded-uri'];
  const raw = typeof uri === 'string' ? uri : '/';
  const mark = raw.indexOf('?');
  const query = mark < 0 ? '' : raw.slice(mark + 1);
  // An absolute-form target (`http://host/path?q`) is read by its path and query.
  const path = raw.startsWith('/') ? raw : `/${mark < 0 ? '' : `?${query}`}`;
  try {
    return { url: new URL(path, 'http://preview'), query };
  } catch {
    return { url: new URL(`http://preview/?${query}`), query };
  }
}

/**
 * The headers that tell Caddy to take the bypass parameter out of the query before the app
 * sees it (see `PREVIEW_AUTH.strip`): every `prenv_bypass` pair, named as the gate reads it
 * (`prenv%5Fbypass` too), is dropped; the other pairs are kept byte for byte, in their order.
 * None when the query has no such pair.
 */
function withoutBypassParam(query: string): Record<string, string> {
  const pairs = query.split('&');
  const kept = pairs.filter((pair) => !new URLSearchParams(pair).has(BYPASS_PARAM));
  if (kept.length === pairs.length) return {};
  return {
    [PREVIEW_AUTH.strip.dropQuery]: '1',
    [PREVIEW_AUTH.strip.query]: kept.join('&'),
  };
}

function basicPassword(authorization: string | undefined): string | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString();
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : decoded.slice(colon + 1);
}

function text(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    ...headers,
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
