import { randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OAuthUser {
  login: string;
  /** The user's `permissions` on the repository; null: the repository answers 404 to them. */
  permissions: Record<string, boolean> | null;
}

export interface OAuthFake {
  /** Web and API base URL (both served here). */
  url: string;
  clientId: string;
  clientSecret: string;
  /** Who signs in at the next authorize request. */
  signInAs(user: OAuthUser): void;
  /** Every request path seen, in order. */
  seen: string[];
  close(): Promise<void>;
}

/**
 * Stands in for github.com's OAuth web flow and the two API calls prenv makes with a user token
 * (`/login/oauth/authorize` → redirect with `code` and `state`, `/login/oauth/access_token`,
 * `GET /user`, `GET /repos/{owner}/{repo}`), answering as GitHub documents them.
 */
export async function startOAuthFake(
  repository: string,
  /** Where every other request (the App's own API calls) is passed on, unchanged. */
  fallbackUrl?: string,
): Promise<OAuthFake> {
  const clientId = 'Iv1.fakeclientid';
  const clientSecret = `fake-client-secret-${randomBytes(8).toString('hex')}`;
  let next: OAuthUser = { login: 'octocat', permissions: { pull: true } };
  const codes = new Map<string, { user: OAuthUser; redirectUri: string }>();
  const tokens = new Map<string, OAuthUser>();
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    seen.push(url.pathname);
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/login/oauth/authorize') {
      const redirectUri = url.searchParams.get('redirect_uri') ?? '';
      if (url.searchParams.get('client_id') !== clientId) return json(404, { error: 'client' });
      const code = randomBytes(8).toString('hex');
      codes.set(code, { user: next, redirectUri });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      return res.writeHead(302, { location: back.toString() }).end();
    }
    if (url.pathname === '/login/oauth/access_token' && req.method === 'POST') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const form = JSON.parse(body || '{}') as Record<string, string>;
        const grant = codes.get(form.code ?? '');
        codes.delete(form.code ?? '');
        if (form.client_id !== clientId || form.client_secret !== clientSecret)
          return json(200, { error: 'incorrect_client_credentials' });
        if (!grant || grant.redirectUri !== form.redirect_uri)
          return json(200, { error: 'bad_verification_code' });
        const token = `ghu_${randomBytes(12).toString('hex')}`;
        tokens.set(token, grant.user);
        json(200, { access_token: token, token_type: 'bearer', scope: '' });
      });
      return;
    }
    const user = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!user && fallbackUrl) {
      const upstream = request(
        new URL(req.url ?? '/', fallbackUrl),
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => json(502, { message: 'fallback unreachable' }));
      req.pipe(upstream);
      return;
    }
    if (!user) return json(401, { message: 'Bad credentials' });
    if (url.pathname === '/user') return json(200, { login: user.login, id: 1 });
    if (url.pathname === `/repos/${repository}`) {
      if (!user.permissions) return json(404, { message: 'Not Found' });
      return json(200, { full_name: repository, private: true, permissions: user.permissions });
    }
    json(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    clientId,
    clientSecret,
    seen,
    signInAs: (user) => {
      next = user;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
