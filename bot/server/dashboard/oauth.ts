import { canRead, type Session } from './access.js';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  /** github.com (or a GitHub Enterprise Server's web URL), for `/login/oauth/*`. */
  webUrl: string;
  /** The REST API's base URL. */
  apiUrl: string;
}

/**
 * GitHub's web application flow, step 1: where the browser is sent to sign in. A GitHub App's
 * user tokens take no scopes: what they may read is the App's permissions intersected with the
 * user's ("Authorizing OAuth apps", "Generating a user access token for a GitHub App").
 */
export function authorizeUrl(client: OAuthClient, redirectUri: string, state: string): string {
  const url = new URL('/login/oauth/authorize', client.webUrl);
  url.searchParams.set('client_id', client.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('state', state);
  url.searchParams.set('allow_signup', 'false');
  return url.toString();
}

export class OAuthError extends Error {}

/**
 * Steps 2 and 3: trades the callback's `code` for a user token, then asks GitHub who the user
 * is (`GET /user`) and what they may do in the repository (`GET /repos/{owner}/{repo}`,
 * `permissions`). The token is used for these two calls only and then dropped.
 * Throws `OAuthError` when GitHub refuses the code or does not answer.
 */
export async function signInWithCode(
  client: OAuthClient,
  input: { code: string; redirectUri: string; repository: string },
  fetchFn: typeof fetch = fetch,
): Promise<Session> {
  const tokenRes = await fetchFn(new URL('/login/oauth/access_token', client.webUrl), {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      code: input.code,
      redirect_uri: input.redirectUri,
    }),
    signal: AbortSignal.timeout(15_000),
  });
  const token = (await tokenRes.json().catch(() => ({}))) as {
    access_token?: string;
    error?: string;
  };
  if (!tokenRes.ok || !token.access_token)
    throw new OAuthError(`GitHub refused the sign-in code (${token.error ?? tokenRes.status})`);
  const api = (path: string) =>
    fetchFn(`${client.apiUrl.replace(/\/+$/, '')}${path}`, {
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${token.access_token}`,
        'x-github-api-version': '2022-11-28',
      },
      signal: AbortSignal.timeout(15_000),
    });
  const userRes = await api('/user');
  const user = (await userRes.json().catch(() => ({}))) as { login?: unknown };
  if (!userRes.ok || typeof user.login !== 'string')
    throw new OAuthError(`GitHub did not say who signed in (${userRes.status})`);
  const repoRes = await api(`/repos/${input.repository}`);
  // 404: the user cannot see the repository (GitHub hides private ones rather than answer 403).
  const read = repoRes.ok && canRead(await repoRes.json().catch(() => null));
  return { login: user.login, read };
}
