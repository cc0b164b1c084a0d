import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../bot/config/load.js';
import { createPreviewGate } from '../../../bot/server/dashboard/preview-gate.js';
import { createSigner, deriveKey } from '../../../bot/server/dashboard/session.js';
import { UsedTickets } from '../../../bot/server/dashboard/used-tickets.js';
import { readServeSettings } from '../../../bot/wiring/settings.js';

const config = (protect: string) =>
  loadConfigOrThrow(
    `project: demo
github: { owner: acme, repo: demo }
domain: demo.example.test
previews: { protect: ${protect} }
services:
  web: { image: acme/web:1, port: 8080, route: { path: / } }
`,
    'prenv.yml',
  );

/** The status and headers a handler answers `call`'s response with. */
function answerOf(call: (res: ServerResponse) => void) {
  const answer: { status: number; headers: Record<string, unknown> } = { status: 0, headers: {} };
  call({
    headersSent: false,
    destroyed: false,
    setHeader: (k: string, v: unknown) => (answer.headers[k] = v),
    writeHead: (status: number, h: Record<string, unknown>) => {
      answer.status = status;
      Object.assign(answer.headers, h);
    },
    end: () => {},
  } as unknown as ServerResponse);
  return answer;
}

/** Calls `verify` as Caddy's forward_auth would and returns status and headers. */
function verify(protect: string, headers: Record<string, string>) {
  const gate = createPreviewGate({
    config: config(protect),
    secret: 'server-secret-for-tests',
    publicUrl: 'https://bot.demo.example.test',
    session: () => null,
  });
  const answer = answerOf((res) =>
    gate.verify(
      { headers: { host: 'pr-7.pr.demo.example.test', ...headers } } as IncomingMessage,
      res,
    ),
  );
  return { ...answer, token: gate.bypassToken(7) };
}

const basic = (password: string) => `Basic ${Buffer.from(`ci:${password}`).toString('base64')}`;

describe('previews.protect', () => {
  const token = verify('github', {}).token;
  it.each([
    ['github', {}, 302],
    ['github', { 'x-prenv-bypass': token }, 200],
    ['github', { 'x-forwarded-uri': `/a?prenv_bypass=${token}` }, 200],
    ['github', { authorization: basic(token) }, 302],
    ['basic', {}, 401],
    ['basic', { authorization: basic(token) }, 200],
    ['basic', { authorization: basic('wrong') }, 401],
    ['basic', { 'x-prenv-bypass': token }, 200],
    ['none', {}, 200],
  ] as const)('%s with %j answers %i', (protect, headers, status) => {
    expect(verify(protect, headers).status).toBe(status);
  });

  it('refuses a host that is no preview', () => {
    expect(verify('github', { host: 'bot.demo.example.test' }).status).toBe(403);
  });

  it('sends a signed-out browser to the bot with the address it asked for', () => {
    const { headers } = verify('github', {
      'x-forwarded-uri': '/x?y=1',
      'x-forwarded-proto': 'https',
    });
    const location = new URL(String(headers.location));
    expect(location.origin + location.pathname).toBe('https://bot.demo.example.test/auth/preview');
    expect(location.searchParams.get('to')).toBe('https://pr-7.pr.demo.example.test/x?y=1');
  });

  it('keeps the OAuth client secret among the values redacted from logs', () => {
    const result = readServeSettings({
      PRENV_WEBHOOK_SECRET: 'webhook-secret',
      PRENV_GITHUB_TOKEN: 'ghp_x',
      PRENV_GITHUB_CLIENT_ID: 'Iv1.abc',
      PRENV_GITHUB_CLIENT_SECRET: 'oauth-client-secret',
      PRENV_PUBLIC_URL: 'https://bot.example.com/',
    });
    if (!result.ok) throw new Error(result.errors.join('; '));
    expect(result.settings.secrets).toContain('oauth-client-secret');
    expect(result.settings.dashboard).toEqual({
      publicUrl: 'https://bot.example.com',
      oauth: {
        clientId: 'Iv1.abc',
        clientSecret: 'oauth-client-secret',
        webUrl: 'https://github.com',
      },
    });
  });
});

describe('sign-in tickets', () => {
  const HOST = 'pr-7.pr.demo.example.test';

  /** A gate with a signed-in reader on the bot's host, and a clock the test moves. */
  function gateAt(clock: { t: number }, usedTickets?: UsedTickets) {
    return createPreviewGate({
      config: config('github'),
      secret: 'server-secret-for-tests',
      publicUrl: 'https://bot.demo.example.test',
      session: () => ({ login: 'reader', read: true }),
      now: () => clock.t,
      ...(usedTickets ? { usedTickets } : {}),
    });
  }

  /** The ticket URL the bot sends a signed-in reader back with. */
  function ticketPath(gate: ReturnType<typeof gateAt>): string {
    const url = new URL(`https://bot.demo.example.test/auth/preview`);
    url.searchParams.set('to', `https://${HOST}/orders?id=3`);
    const answer = answerOf((res) => gate.handOff({ headers: {} } as IncomingMessage, res, url));
    const back = new URL(String(answer.headers.location));
    return back.pathname + back.search;
  }

  /** Caddy's forward_auth request for `uri` on the preview host, without any cookie. */
  const redeem = (gate: ReturnType<typeof gateAt>, uri: string) =>
    answerOf((res) =>
      gate.verify(
        {
          headers: { host: HOST, 'x-forwarded-uri': uri, 'x-forwarded-proto': 'https' },
        } as unknown as IncomingMessage,
        res,
      ),
    );

  it('gives a session once; a replay of the same ticket URL gets the sign-in redirect', () => {
    const clock = { t: 1_000_000 };
    const gate = gateAt(clock);
    const ticket = ticketPath(gate);
    const first = redeem(gate, ticket);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe('/orders?id=3');
    expect(String(first.headers['set-cookie'])).toMatch(/^prenv_preview=[^;]+;/);
    for (const later of [0, 1_000, 59_000]) {
      clock.t = 1_000_000 + later;
      const replay = redeem(gate, ticket);
      expect(replay.status).toBe(302);
      expect(replay.headers['set-cookie']).toBeUndefined();
      expect(String(replay.headers.location)).toMatch(
        /^https:\/\/bot\.demo\.example\.test\/auth\/preview\?to=/,
      );
    }
    // Past its minute the ticket is refused anyway, and its id is forgotten.
    clock.t = 1_000_000 + 61_000;
    expect(redeem(gate, ticket).headers['set-cookie']).toBeUndefined();
  });

  it('takes each ticket once, every new one too', () => {
    const clock = { t: 5_000_000 };
    const gate = gateAt(clock);
    const tickets = [ticketPath(gate), ticketPath(gate)];
    expect(new Set(tickets).size).toBe(2);
    for (const ticket of tickets) expect(redeem(gate, ticket).headers['set-cookie']).toBeDefined();
    for (const ticket of tickets)
      expect(redeem(gate, ticket).headers['set-cookie']).toBeUndefined();
  });

  it('refuses a signed ticket without an id (one a bot signed before tickets had one)', () => {
    const clock = { t: 7_000_000 };
    const gate = gateAt(clock);
    const signer = createSigner(deriveKey('server-secret-for-tests', 'preview-ticket'));
    const old = signer.sign({ login: 'reader', host: HOST }, 60_000, clock.t);
    expect(
      redeem(gate, `/__prenv/auth?ticket=${old}&next=/`).headers['set-cookie'],
    ).toBeUndefined();
  });
});

describe('UsedTickets', () => {
  it('keeps ids until their ticket expires, then forgets them', () => {
    const used = new UsedTickets();
    expect(used.use('a', 100, 0)).toBe(true);
    expect(used.use('a', 100, 50)).toBe(false);
    expect(used.use('b', 150, 60)).toBe(true);
    expect(used.size).toBe(2);
    expect(used.use('c', 300, 120)).toBe(true);
    expect(used.size).toBe(2); // 'a' expired at 100
    expect(used.use('a', 400, 200)).toBe(true); // (its ticket would be refused as expired first)
  });

  it('holds at most max ids, and refuses rather than forget an unexpired one', () => {
    const used = new UsedTickets(3);
    for (const id of ['a', 'b', 'c']) expect(used.use(id, 1_000, 0)).toBe(true);
    expect(used.use('d', 1_000, 10)).toBe(false);
    expect(used.use('a', 1_000, 10)).toBe(false);
    expect(used.size).toBe(3);
    expect(used.use('d', 2_000, 1_000)).toBe(true);
    expect(used.size).toBe(1);
  });

  it('looks past an unexpired id when full (a clock that moved back)', () => {
    const used = new UsedTickets(2);
    expect(used.use('late', 5_000, 0)).toBe(true);
    expect(used.use('early', 100, 0)).toBe(true);
    expect(used.use('next', 5_000, 200)).toBe(true);
    expect(used.size).toBe(2);
  });
});
