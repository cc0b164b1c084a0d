import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../bot/config/load.js';
import { createPreviewGate } from '../../../bot/server/dashboard/preview-gate.js';
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

/** Calls `verify` as Caddy's forward_auth would and returns status and headers. */
function verify(protect: string, headers: Record<string, string>) {
  const gate = createPreviewGate({
    config: config(protect),
    secret: 'server-secret-for-tests',
    publicUrl: 'https://bot.demo.example.test',
    session: () => null,
  });
  const answer: { status: number; headers: Record<string, unknown> } = { status: 0, headers: {} };
  const res = {
    headersSent: false,
    destroyed: false,
    setHeader: (k: string, v: unknown) => (answer.headers[k] = v),
    writeHead: (status: number, h: Record<string, unknown>) => {
      answer.status = status;
      Object.assign(answer.headers, h);
    },
    end: () => {},
  } as unknown as ServerResponse;
  gate.verify(
    { headers: { host: 'pr-7.pr.demo.example.test', ...headers } } as IncomingMessage,
    res,
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
